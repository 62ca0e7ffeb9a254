using System.Net;
using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.Logging;

namespace FlexiAI.Tests.Errors;

public sealed class RedactedExceptionTests
{
    private static string NewSecret() => $"flexiai-secret-{Guid.NewGuid():N}";

    private static Exception Thrown(Func<Exception> create)
    {
        try
        {
            throw create();
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    [Fact]
    public void Scrub_keeps_the_type_status_and_stack_trace_and_masks_the_text_of_the_whole_chain()
    {
        var secret = NewSecret();
        using var registration = SecretMasker.Register(secret);
        var original = Thrown(() => new HttpRequestException($"401 for key {secret}", new IOException($"socket saw {secret}"), HttpStatusCode.Unauthorized));

        var scrubbed = Assert.IsType<RedactedException>(SecretMasker.Scrub(original));

        Assert.Equal("System.Net.Http.HttpRequestException", scrubbed.OriginalTypeName);
        Assert.Equal(401, scrubbed.StatusCode);
        Assert.Equal(original.StackTrace, scrubbed.StackTrace);
        Assert.Equal(original.HResult, scrubbed.HResult);
        Assert.Equal($"401 for key {SecretMasker.Mask(secret)}", scrubbed.Message);
        var inner = Assert.IsType<RedactedException>(scrubbed.InnerException);
        Assert.Equal("System.IO.IOException", inner.OriginalTypeName);
        Assert.Null(inner.StatusCode);
        var text = scrubbed.ToString();
        Assert.StartsWith("System.Net.Http.HttpRequestException (redacted): 401 for key ***", text, StringComparison.Ordinal);
        Assert.Contains("[HTTP 401]", text, StringComparison.Ordinal);
        Assert.Contains(" ---> System.IO.IOException (redacted): socket saw ***", text, StringComparison.Ordinal);
        Assert.Contains(nameof(Thrown), text, StringComparison.Ordinal); // the original's stack trace
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Scrub_leaves_flexiai_exceptions_and_null_as_they_are()
    {
        var flexi = new CircuitOpenException("a", CircuitState.Open, null);
        Assert.Same(flexi, SecretMasker.Scrub(flexi));
        Assert.Null(SecretMasker.Scrub(null));
        var redacted = SecretMasker.Scrub(new InvalidOperationException("x"))!;
        Assert.Same(redacted, SecretMasker.Scrub(redacted));
    }

    [Fact]
    public void Every_flexiai_exception_masks_its_message_and_scrubs_its_inner_exception()
    {
        var secret = NewSecret();
        using var registration = SecretMasker.Register(secret);
        var raw = new InvalidOperationException($"the SDK echoed {secret}", new ArgumentException($"and again {secret}"));

        var provider = new ProviderException("p", "m", new ProviderFailure(ErrorCategory.Unknown, $"said {secret}") { StatusCode = 418 }, 1, false, raw);
        var configuration = new ConfigurationException("providers[0].x", $"bad {secret}", raw);
        var custom = new FlexiAIException($"custom {secret}", raw);
        var all = new AllProvidersFailedException([raw, provider], new RouteReport("c", null, null, [], TimeSpan.Zero), null);

        Assert.Equal(418, Assert.IsType<RedactedException>(provider.InnerException).StatusCode);
        Assert.IsType<RedactedException>(configuration.InnerException);
        Assert.IsType<RedactedException>(custom.InnerException);
        Assert.IsType<RedactedException>(all.Errors[0]);
        Assert.Same(provider, all.Errors[1]);
        Assert.Same(provider, all.InnerException);
        Assert.DoesNotContain(secret, provider.ProviderMessage, StringComparison.Ordinal);
        Assert.All(new Exception[] { provider, configuration, custom, all, all.Errors[0] }, e => Assert.DoesNotContain(secret, e.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void A_very_deep_inner_chain_is_cut_not_overflowed()
    {
        Exception chain = new InvalidOperationException("bottom");
        for (var i = 0; i < 10_000; i++)
        {
            chain = new InvalidOperationException($"level {i}", chain);
        }

        var scrubbed = SecretMasker.Scrub(chain)!;

        var depth = 0;
        for (var e = scrubbed; e is not null; e = e.InnerException)
        {
            depth++;
        }

        Assert.InRange(depth, 2, 20);
    }

    [Fact]
    public async Task The_logger_hands_the_host_only_scrubbed_exceptions()
    {
        var secret = NewSecret();
        var capture = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(capture).SetMinimumLevel(LogLevel.Trace));
        var options = TestClients.Options(FakeChatClient.Answering("a"));
        options.Providers[0].ApiKey = secret;
        var hooks = new FlexiAIHooks().OnBeforeRequest((_, _) => throw new InvalidOperationException($"hook broke with {secret}", new IOException(secret)));
        using var client = TestClients.Create(options, hooks: hooks, loggerFactory: factory);

        await client.Ask(TestContext.Current.CancellationToken);

        var line = Assert.Single(capture.Lines, l => l.Contains("hook threw", StringComparison.Ordinal));
        Assert.Contains("System.InvalidOperationException (redacted): hook broke with ***", line, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, line, StringComparison.Ordinal);
    }
}
