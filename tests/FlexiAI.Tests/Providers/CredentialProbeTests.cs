using System.Net;
using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.AI;

namespace FlexiAI.Tests.Providers;

/// <summary>The credential check is a template method: an adapter only makes the probe call; the base classifies what it throws.</summary>
public sealed class CredentialProbeTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<Exception, CredentialStatus, ErrorCategory> Failures => new()
    {
        { new HttpRequestException("no", null, HttpStatusCode.Unauthorized), CredentialStatus.Invalid, ErrorCategory.Authentication },
        { new HttpRequestException("no", null, HttpStatusCode.Forbidden), CredentialStatus.Invalid, ErrorCategory.PermissionDenied },
        { new HttpRequestException("no", null, HttpStatusCode.NotFound), CredentialStatus.Invalid, ErrorCategory.NotFound },
        { new HttpRequestException("down", null, HttpStatusCode.ServiceUnavailable), CredentialStatus.Unknown, ErrorCategory.Overloaded },
        { new IOException("reset"), CredentialStatus.Unknown, ErrorCategory.Network },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task What_the_probe_throws_is_classified_by_the_base(Exception thrown, CredentialStatus status, ErrorCategory category)
    {
        var adapter = new ProbingAdapter(_ => throw thrown);

        var result = await adapter.ValidateCredentialsAsync(Provider(), new FakeChatClient("p"), Token);

        Assert.Equal(("p", status, category), (result.Provider, result.Status, result.Category!.Value));
    }

    [Fact]
    public async Task A_successful_probe_is_valid_with_its_message()
    {
        var adapter = new ProbingAdapter(_ => Task.FromResult("probed"));

        var result = await adapter.ValidateCredentialsAsync(Provider(), new FakeChatClient("p"), Token);

        Assert.Equal((CredentialStatus.Valid, "probed", (ErrorCategory?)null), (result.Status, result.Message, result.Category));
    }

    [Fact]
    public async Task A_configuration_error_is_invalid_and_the_callers_cancellation_propagates()
    {
        var misconfigured = new ProbingAdapter(_ => throw new ConfigurationException("providers[name=p].api_key", "no key"));
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();
        var cancelled = new ProbingAdapter(ct => Task.FromCanceled<string>(ct));

        var result = await misconfigured.ValidateCredentialsAsync(Provider(), new FakeChatClient("p"), Token);

        Assert.Equal((CredentialStatus.Invalid, ErrorCategory.Authentication), (result.Status, result.Category!.Value));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.ValidateCredentialsAsync(Provider(), new FakeChatClient("p"), cancel.Token));
    }

    private static ProviderOptions Provider() => new() { Name = "p", Model = "m" };

    private sealed class ProbingAdapter(Func<CancellationToken, Task<string>> probe) : ProviderAdapter
    {
        protected override Task<string> ProbeCredentialsAsync(ProviderOptions provider, IChatClient client, CancellationToken cancellationToken) => probe(cancellationToken);
    }
}
