using System.Net;
using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace FlexiAI.Tests.Routing;

public class RetryAndTimeoutTests
{
    private static HttpRequestException Status(int code) => new($"HTTP {code}", null, (HttpStatusCode)code);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public async Task Retry_RetryableFailure_MakesExactlyTheConfiguredNumberOfCalls(int maxAttempts)
    {
        var a = FakeChatClient.Failing("a", 500);
        var options = TestClients.Options(a);
        options.Retry.MaxAttempts = maxAttempts;
        options.CircuitBreaker.FailureThreshold = 100;
        using var client = TestClients.Create(options);

        await Assert.ThrowsAsync<AllProvidersFailedException>(() => client.Ask());

        Assert.Equal(maxAttempts, a.Calls);
    }

    [Fact]
    public async Task Retry_ProviderMaxRetries_OverridesGlobalAttempts()
    {
        var a = FakeChatClient.Failing("a", 500);
        var options = TestClients.Options(a);
        options.Retry.MaxAttempts = 5;
        options.Providers[0].MaxRetries = 1;
        options.CircuitBreaker.FailureThreshold = 100;
        using var client = TestClients.Create(options);

        await Assert.ThrowsAsync<AllProvidersFailedException>(() => client.Ask());
        Assert.Equal(2, a.Calls);
    }

    [Fact]
    public async Task Retry_SucceedsOnSecondAttempt_RouteShowsBoth()
    {
        var a = new FakeChatClient("a").ThenFail(502).ThenAnswer();
        var options = TestClients.Options(a);
        options.Retry.MaxAttempts = 3;
        using var client = TestClients.Create(options);

        var route = (await client.Ask()).GetRoute();

        Assert.Equal([(1, AttemptOutcome.Failed), (2, AttemptOutcome.Succeeded)], route.Attempts.Select(x => (x.AttemptNumber, x.Outcome)));
        Assert.Equal(2, a.Calls);
    }

    [Fact]
    public async Task Retry_BreakerOpensMidRetries_StopsRetryingAndFailsOver()
    {
        var a = FakeChatClient.Failing("a", 500);
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.Retry.MaxAttempts = 5;
        options.CircuitBreaker.FailureThreshold = 2;
        using var client = TestClients.Create(options);

        Assert.Equal("b", (await client.Ask()).GetRoute().Provider);
        Assert.Equal(2, a.Calls);
    }

    [Fact]
    public async Task Retry_BackoffDelay_WaitsOnTheTimeProvider()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var a = new FakeChatClient("a").ThenFail(500).ThenAnswer();
        var options = TestClients.Options(a);
        options.Retry.MaxAttempts = 2;
        options.Retry.InitialDelay = TimeSpan.FromSeconds(2);
        using var client = TestClients.Create(options, time);

        var pending = client.Ask();
        Assert.Equal(1, a.Calls);
        time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(1, a.Calls);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await pending;
        Assert.Equal(2, a.Calls);
    }

    [Fact]
    public void Backoff_IsExponentialCappedAndJittered()
    {
        var options = TestClients.Options(FakeChatClient.Answering("a"));
        options.Retry.InitialDelay = TimeSpan.FromSeconds(1);
        options.Retry.BackoffFactor = 2;
        options.Retry.MaxDelay = TimeSpan.FromSeconds(5);
        options.Retry.UseJitter = false;
        var random = new Random(1);
        Assert.Equal([1d, 2, 4, 5, 5], Enumerable.Range(1, 5).Select(n => RetryDecision.Backoff(options.Retry, n, random.NextDouble()).TotalSeconds));

        options.Retry.UseJitter = true;
        for (var n = 1; n <= 5; n++)
        {
            var d = RetryDecision.Backoff(options.Retry, n, random.NextDouble()).TotalSeconds;
            var full = Math.Min(Math.Pow(2, n - 1), 5);
            Assert.InRange(d, full / 2, full);
        }
    }

    [Fact]
    public async Task RetryAfter_WithinCap_IsHonouredInsteadOfBackoff()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var a = new FakeChatClient("a").ThenThrow(() => new ProviderException("a", "m", new ProviderFailure(ErrorCategory.RateLimited, "slow") { StatusCode = 429, RetryAfter = TimeSpan.FromSeconds(4) }, 1, true, null)).ThenAnswer();
        var options = TestClients.Options(a);
        options.Retry.MaxAttempts = 2;
        options.Retry.MaxRetryAfter = TimeSpan.FromSeconds(5);
        using var client = TestClients.Create(options, time);

        var pending = client.Ask();
        time.Advance(TimeSpan.FromSeconds(3.9));
        Assert.Equal(1, a.Calls);
        time.Advance(TimeSpan.FromSeconds(0.1));
        await pending;
        Assert.Equal(2, a.Calls);
    }

    [Fact]
    public async Task RetryAfter_AboveCap_FailsOverAtOnceWithoutSleeping()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var a = new FakeChatClient("a").ThenThrow(() => new ProviderException("a", "m", new ProviderFailure(ErrorCategory.RateLimited, "slow") { StatusCode = 429, RetryAfter = TimeSpan.FromSeconds(30) }, 1, true, null));
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.Retry.MaxAttempts = 3;
        options.Retry.MaxRetryAfter = TimeSpan.FromSeconds(10);
        using var client = TestClients.Create(options, time);

        var response = await client.Ask();   // completes without advancing the clock

        Assert.Equal("b", response.GetRoute().Provider);
        Assert.Equal(1, a.Calls);
        Assert.Equal(TestClients.Start, time.GetUtcNow());
    }

    [Fact]
    public async Task AttemptTimeout_HangingProvider_TimesOutAndFailsOver()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var a = new FakeChatClient("a").ThenHang();
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.AttemptTimeout = TimeSpan.FromSeconds(5);
        using var client = TestClients.Create(options, time);

        var pending = client.Ask();
        Assert.False(pending.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(5));
        var route = (await pending).GetRoute();

        Assert.Equal(ErrorCategory.Timeout, route.Attempts[0].Category);
        Assert.Equal("b", route.Provider);
    }

    [Fact]
    public async Task AttemptTimeout_HangingProbe_CannotWedgeTheBreaker()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var a = new FakeChatClient("a").ThenHang();
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.AttemptTimeout = TimeSpan.FromSeconds(5);
        options.CircuitBreaker.RecoveryTimeout = TimeSpan.FromSeconds(10);
        using var client = TestClients.Create(options, time);
        await client.TripCircuitBreakerAsync("a");
        time.Advance(TimeSpan.FromSeconds(10));

        var probe = client.Ask();                         // the probe hangs on a
        var other = await client.Ask();                   // concurrent caller skips a without waiting
        Assert.Equal(AttemptOutcome.SkippedCircuitOpen, other.GetRoute().Attempts[0].Outcome);
        time.Advance(TimeSpan.FromSeconds(5));            // the probe's attempt timeout fires
        await probe;

        var status = client.GetProviderStatus().Single(s => s.Name == "a");
        Assert.Equal(CircuitState.Open, status.State);
        Assert.Equal(ErrorCategory.Timeout, status.LastErrorCategory);
    }

    [Fact]
    public async Task RequestTimeout_AcrossFailover_StopsTheRequest()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var a = new FakeChatClient("a").ThenHang();
        var b = new FakeChatClient("b").ThenHang();
        var c = FakeChatClient.Answering("c");
        var options = TestClients.Options(a, b, c);
        options.AttemptTimeout = TimeSpan.FromSeconds(10);
        options.RequestTimeout = TimeSpan.FromSeconds(15);
        using var client = TestClients.Create(options, time);

        var pending = client.Ask();
        time.Advance(TimeSpan.FromSeconds(10));
        await TestClients.Until(() => b.Calls == 1);
        time.Advance(TimeSpan.FromSeconds(5));
        var error = await Assert.ThrowsAsync<AllProvidersFailedException>(() => pending);

        Assert.Contains("request timeout", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, c.Calls);
        Assert.Equal([ErrorCategory.Timeout, ErrorCategory.Timeout], error.Route!.Attempts.Select(x => x.Category!.Value));
        // The request-timeout cut of b does not count toward b's breaker; a's own attempt timeout does.
        var status = client.GetProviderStatus();
        Assert.Equal(1, status.Single(s => s.Name == "a").ConsecutiveFailures);
        Assert.Equal(0, status.Single(s => s.Name == "b").ConsecutiveFailures);
    }

    [Fact]
    public async Task Cancellation_ByCaller_NeverRetriesFailsOverOrCounts()
    {
        var a = new FakeChatClient("a").ThenHang();
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.Retry.MaxAttempts = 3;
        options.CircuitBreaker.FailureThreshold = 1;
        using var client = TestClients.Create(options);
        using var cts = new CancellationTokenSource();

        var pending = client.Ask(cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        Assert.Equal(1, a.Calls);
        Assert.Equal(0, b.Calls);
        Assert.Equal(CircuitState.Closed, client.GetProviderStatus()[0].State);
        Assert.Equal(0, client.GetProviderStatus()[0].ConsecutiveFailures);
    }

    [Fact]
    public async Task Cancellation_AlreadyCancelled_CallsNoProvider()
    {
        var a = FakeChatClient.Answering("a");
        using var client = TestClients.Create(TestClients.Options(a));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.Ask(new CancellationToken(true)));
        Assert.Equal(0, a.Calls);
    }

    [Fact]
    public async Task Cancellation_DuringProbe_FreesTheProbeSlot()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var a = new FakeChatClient("a").ThenHang().ThenAnswer();
        var options = TestClients.Options(a);
        options.CircuitBreaker.RecoveryTimeout = TimeSpan.FromSeconds(1);
        using var client = TestClients.Create(options, time);
        await client.TripCircuitBreakerAsync("a");
        time.Advance(TimeSpan.FromSeconds(1));
        using var cts = new CancellationTokenSource();

        var probe = client.Ask(cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => probe);

        // The next caller gets the probe at once (no lease wait) and closes the breaker.
        Assert.Equal("a", (await client.Ask()).GetRoute().Provider);
        Assert.Equal(CircuitState.Closed, client.GetProviderStatus()[0].State);
    }
}
