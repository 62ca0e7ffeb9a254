using FlexiAI.Tests.TestSupport;

namespace FlexiAI.Tests.Errors;

public class ErrorPolicyTests
{
    public static TheoryData<ErrorCategory> AllCategories() => [.. Enum.GetValues<ErrorCategory>()];

    private static FakeChatClient FailingWith(string name, ErrorCategory category) =>
        new FakeChatClient(name).ThenThrow(() => new ProviderException(name, "m", new ProviderFailure(category, "scripted"), 1, false, null));

    [Theory]
    [MemberData(nameof(AllCategories))]
    public async Task DefaultPolicy_EachCategory_RetriesFailsOverAndCountsAsTheTableSays(ErrorCategory category)
    {
        var policy = ErrorPolicy.GetDefault(category);
        var a = FailingWith("a", category);
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.Retry.MaxAttempts = 2;
        options.CircuitBreaker.FailureThreshold = 100;
        using var client = TestClients.Create(options);

        if (policy.Failover)
        {
            Assert.Equal("b", (await client.Ask()).GetRoute().Provider);
        }
        else
        {
            var error = await Assert.ThrowsAsync<ProviderException>(() => client.Ask());
            Assert.Equal(category, error.Category);
            Assert.Equal(0, b.Calls);
        }

        Assert.Equal(policy.Retry ? 2 : 1, a.Calls);
        Assert.Equal(policy.CountsTowardBreaker ? a.Calls : 0, client.GetProviderStatus().Single(s => s.Name == "a").ConsecutiveFailures);
    }

    [Fact]
    public void DefaultTable_MatchesTheDocumentedRows()
    {
        Assert.Equal(new ErrorPolicy(false, true, true), ErrorPolicy.GetDefault(ErrorCategory.Authentication));
        Assert.Equal(new ErrorPolicy(true, true, true), ErrorPolicy.GetDefault(ErrorCategory.RateLimited));
        Assert.Equal(new ErrorPolicy(false, false, false), ErrorPolicy.GetDefault(ErrorCategory.InvalidRequest));
        Assert.Equal(new ErrorPolicy(false, true, false), ErrorPolicy.GetDefault(ErrorCategory.ContextLengthExceeded));
        Assert.Equal(new ErrorPolicy(false, false, false), ErrorPolicy.GetDefault(ErrorCategory.ContentFiltered));
        Assert.Equal(new ErrorPolicy(true, true, false), ErrorPolicy.GetDefault(ErrorCategory.Cancelled));
    }

    [Fact]
    public async Task OverriddenPolicy_ReplacesTheDefaultRow()
    {
        var a = FailingWith("a", ErrorCategory.ContentFiltered);
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.ErrorPolicies[ErrorCategory.ContentFiltered] = new ErrorPolicy(Retry: false, Failover: true, CountsTowardBreaker: true);
        using var client = TestClients.Create(options);

        Assert.Equal("b", (await client.Ask()).GetRoute().Provider);
        Assert.Equal(1, client.GetProviderStatus()[0].ConsecutiveFailures);
    }

    [Fact]
    public async Task ShouldRetryFromProvider_OverridesTheCategoryRetry()
    {
        var a = new FakeChatClient("a")
            .ThenThrow(() => new HttpRequestException("x"))
            .ThenAnswer();
        var adapter = new ShouldNotRetryAdapter();
        var options = TestClients.Options(a, FakeChatClient.Answering("b"));
        options.Providers[0].Adapter = adapter;
        options.Retry.MaxAttempts = 3;
        using var client = TestClients.Create(options);

        Assert.Equal("b", (await client.Ask()).GetRoute().Provider);
        Assert.Equal(1, a.Calls);
    }

    [Fact]
    public async Task LegacyExpectedExceptions_OnlyListedCategoriesCount()
    {
        var a = FailingWith("a", ErrorCategory.RateLimited);
        var options = TestClients.Options(a, FakeChatClient.Answering("b"));
        options.CircuitBreaker.ExpectedExceptions.Add("APIError");
        options.CircuitBreaker.ExpectedExceptions.Add("Timeout");
        using var client = TestClients.Create(options);

        await client.Ask();
        Assert.Equal(0, client.GetProviderStatus()[0].ConsecutiveFailures);
    }

    private sealed class ShouldNotRetryAdapter : ProviderAdapter
    {
        public override ProviderFailure Classify(Exception exception) =>
            new(ErrorCategory.ServerError, "no retry please") { ShouldRetry = false };
    }
}
