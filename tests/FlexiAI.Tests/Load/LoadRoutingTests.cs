using FlexiAI.Emulator;
using FlexiAI.Tests.EndToEnd;
using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace FlexiAI.Tests.Load;

/// <summary>The request loop under issue 14's options: per-request counting, panic, failover_first.</summary>
public sealed class LoadRoutingTests(EmulatedProvidersFixture fixture) : IClassFixture<EmulatedProvidersFixture>
{
    [Fact]
    public async Task CountPerRequest_ARequestThatExhaustedItsRetries_CountsOnce()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var a = FakeChatClient.Failing("a", 503);
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.Retry.MaxAttempts = 3;
        options.Retry.InitialDelay = TimeSpan.Zero;
        options.Retry.UseJitter = false;
        options.CircuitBreaker.FailureThreshold = 3;
        options.CircuitBreaker.CountPerRequest = true;
        using var client = TestClients.Create(options, time);

        await client.Ask();
        await client.Ask();

        Assert.Equal(6, a.Calls); // two requests, three attempts each
        Assert.Equal(CircuitState.Closed, client.GetProviderStatus()[0].State); // two counted failures, not six
        await client.Ask();
        Assert.Equal(CircuitState.Open, client.GetProviderStatus()[0].State); // the third request opens it
    }

    [Fact]
    public async Task CountPerAttempt_Default_EveryAttemptCounts()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var a = FakeChatClient.Failing("a", 503);
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.Retry.MaxAttempts = 3;
        options.Retry.InitialDelay = TimeSpan.Zero;
        options.CircuitBreaker.FailureThreshold = 3;
        using var client = TestClients.Create(options, time);

        await client.Ask();

        Assert.Equal(CircuitState.Open, client.GetProviderStatus()[0].State);
    }

    [Fact]
    public async Task Panic_AllOpen_TriesNearestRecoveryFirstOnceEachAndMarksTheRoute()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var a = FakeChatClient.Failing("a", 503);
        var b = FakeChatClient.Failing("b", 503);
        var c = FakeChatClient.Answering("c");
        var options = TestClients.Options(a, b, c);
        options.CircuitBreaker.RecoveryTimeout = TimeSpan.FromSeconds(60);
        options.CircuitBreaker.AllOpen = AllOpenPolicy.Panic;
        using var client = TestClients.Create(options, time);
        await client.TripCircuitBreakerAsync("c"); // c recovers last
        time.Advance(TimeSpan.FromSeconds(10));
        await client.TripCircuitBreakerAsync("a");
        time.Advance(TimeSpan.FromSeconds(10));
        await client.TripCircuitBreakerAsync("b"); // order of recovery: c, a, b

        var route = (await client.Ask()).GetRoute();

        Assert.True(route.Panic);
        Assert.Equal("c", route.Provider);
        Assert.Equal(0, a.Calls + b.Calls); // c (nearest recovery) answered first
        Assert.Equal(1, c.Calls);
        Assert.All(client.GetProviderStatus(), s => Assert.Equal(CircuitState.Open, s.State)); // nothing counted, nothing closed
    }

    [Fact]
    public async Task Panic_AllFail_OneAttemptEachThenAllProvidersFailed()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var a = FakeChatClient.Failing("a", 503);
        var b = FakeChatClient.Failing("b", 503);
        var options = TestClients.Options(a, b);
        options.Retry.MaxAttempts = 3;
        options.CircuitBreaker.AllOpen = AllOpenPolicy.Panic;
        using var client = TestClients.Create(options, time);
        await client.TripCircuitBreakerAsync("b");
        time.Advance(TimeSpan.FromSeconds(1));
        await client.TripCircuitBreakerAsync("a");

        var error = await Assert.ThrowsAsync<AllProvidersFailedException>(() => client.Ask());

        Assert.True(error.Route!.Panic);
        Assert.Equal(1, a.Calls); // one attempt each, no retries
        Assert.Equal(1, b.Calls);
        Assert.Equal(["a", "b", "b", "a"], error.Route.Attempts.Select(x => x.Provider)); // two skips, then b (nearer recovery), then a
    }

    [Fact]
    public async Task MaxOpenFraction_OpeningBeyondTheCap_KeepsTheProviderInRotationAtLowestPriority()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var a = FakeChatClient.Failing("a", 503);
        var b = FakeChatClient.Failing("b", 503);
        var c = FakeChatClient.Answering("c");
        var options = TestClients.Options(a, b, c);
        options.CircuitBreaker.FailureThreshold = 1;
        options.CircuitBreaker.MaxOpenFraction = 0.5; // 3 providers: at most one open
        using var client = TestClients.Create(options, time);

        await client.Ask(); // a fails and opens (the first open is within the cap); b fails: held closed instead
        var status = client.GetProviderStatus();
        Assert.Equal(CircuitState.Open, status[0].State);
        Assert.Equal(CircuitState.Closed, status[1].State);

        var bCalls = b.Calls;
        var route = (await client.Ask()).GetRoute();

        Assert.Equal("c", route.Provider);
        Assert.Equal(bCalls, b.Calls); // b waits behind c now
        var held = Assert.Single(route.Attempts, x => x.Provider == "b");
        Assert.Equal(AttemptOutcome.Skipped, held.Outcome);
        Assert.Contains("max_open_fraction", held.SkipReason, StringComparison.Ordinal);

        c.ThenFail(503);
        var error = await Assert.ThrowsAsync<AllProvidersFailedException>(() => client.Ask());
        Assert.Equal(["a", "b", "c", "b"], error.Route!.Attempts.Select(x => x.Provider)); // b is tried last, after c
    }

    [Fact]
    public async Task FailoverFirst_AllFail_ComesBackToTheFailedProvidersAfterTheOthers()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var a = new FakeChatClient("a").ThenFail(503).ThenAnswer();
        var b = FakeChatClient.Failing("b", 503);
        var options = TestClients.Options(a, b);
        options.Retry.MaxAttempts = 2;
        options.Retry.InitialDelay = TimeSpan.Zero;
        options.Retry.Strategy = RetryStrategy.FailoverFirst;
        options.CircuitBreaker.FailureThreshold = 10;
        using var client = TestClients.Create(options, time);

        var route = (await client.Ask()).GetRoute();

        Assert.Equal("a", route.Provider);
        Assert.Equal([("a", 1), ("b", 1), ("b", 2), ("a", 2)], route.Attempts.Select(x => (x.Provider, x.AttemptNumber)));
    }

    [Fact]
    public async Task FailoverFirst_PrimaryAnswering503_EveryRequestAnsweredByTheBackupWithoutRetryingInPlace()
    {
        var options = fixture.Options("openai", "anthropic");
        options.Retry.MaxAttempts = 3;
        options.Retry.InitialDelay = TimeSpan.FromSeconds(5); // an in-place retry would show as seconds
        options.Retry.Strategy = RetryStrategy.FailoverFirst;
        options.CircuitBreaker.FailureThreshold = 6;
        using var client = EmulatedProvidersFixture.Client(options);

        // Warm both connections first (SDK start-up and JIT are not what this measures): one 503, answered by the backup.
        fixture.Host["openai"].Faults.FailNext(1, Fault.Status(503));
        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "warm")], cancellationToken: TestContext.Current.CancellationToken);
        fixture.Host["openai"].Faults.FailAlways(Fault.Status(503));

        for (var i = 0; i < 8; i++)
        {
            var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], cancellationToken: TestContext.Current.CancellationToken);
            var route = response.GetRoute();
            Assert.Equal("anthropic", route.Provider);
            Assert.All(route.Attempts, x => Assert.InRange(x.AttemptNumber, 0, 1)); // zero retries in place (0: skipped by the open breaker)
            Assert.True(route.TotalLatency < TimeSpan.FromSeconds(2), $"request {i} took {route.TotalLatency}");
        }

        Assert.InRange(fixture.Host["openai"].Journal.Count, 2, 6); // until its breaker (threshold 6, the warm-up's failure included) opened
    }
}
