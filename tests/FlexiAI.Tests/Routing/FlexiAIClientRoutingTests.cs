using System.Net;
using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace FlexiAI.Tests.Routing;

public class FlexiAIClientRoutingTests
{
    [Fact]
    public async Task GetResponse_FirstProviderHealthy_AnswersWithRoute()
    {
        var a = FakeChatClient.Answering("a");
        var b = FakeChatClient.Answering("b");
        using var client = TestClients.Create(TestClients.Options(a, b));

        var response = await client.Ask();

        Assert.Equal("answer from a", response.Text);
        var route = response.GetRoute();
        Assert.Equal("a", route.Provider);
        Assert.Equal("a-model", route.Model);
        Assert.Single(route.Attempts);
        Assert.Equal(AttemptOutcome.Succeeded, route.Attempts[0].Outcome);
        Assert.False(string.IsNullOrEmpty(route.CorrelationId));
        Assert.False(route.FailedOver);
        Assert.Equal("a", client.LastUsedProvider);
        Assert.Equal(0, b.Calls);
    }

    [Fact]
    public async Task GetResponse_PriorityOrder_LowestNumberFirstAndTiesKeepConfigurationOrder()
    {
        var a = FakeChatClient.Failing("a", 500);
        var b = FakeChatClient.Failing("b", 500);
        var c = FakeChatClient.Answering("c");
        var options = TestClients.Options(a, b, c);
        options.Providers[0].Priority = 2;
        options.Providers[1].Priority = 1;
        options.Providers[2].Priority = 2;
        using var client = TestClients.Create(options);

        var route = (await client.Ask()).GetRoute();

        Assert.Equal(["b", "a", "c"], route.Attempts.Select(x => x.Provider));
        Assert.True(route.FailedOver);
    }

    [Fact]
    public async Task GetResponse_ProvidersWithoutPriority_ComeAfterPrioritizedOnes()
    {
        var a = FakeChatClient.Failing("a", 500);
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.Providers[0].Priority = null;
        options.Providers[1].Priority = 5;
        using var client = TestClients.Create(options);

        Assert.Equal("b", (await client.Ask()).GetRoute().Provider);
        Assert.Equal(0, a.Calls);
    }

    [Fact]
    public async Task GetResponse_PrimaryFails_FailsOverAndRecordsEveryAttempt()
    {
        var a = FakeChatClient.Failing("a", 503);
        var b = FakeChatClient.Answering("b");
        using var client = TestClients.Create(TestClients.Options(a, b));

        var response = await client.Ask();

        var route = response.GetRoute();
        Assert.Equal("b", route.Provider);
        Assert.Equal(2, route.Attempts.Count);
        Assert.Equal(AttemptOutcome.Failed, route.Attempts[0].Outcome);
        Assert.Equal(ErrorCategory.Overloaded, route.Attempts[0].Category);
        Assert.Equal(503, route.Attempts[0].StatusCode);
        Assert.Equal("b", client.LastUsedProvider);
    }

    [Fact]
    public async Task SetPrimaryProvider_MovesProviderToFront()
    {
        var a = FakeChatClient.Answering("a");
        var b = FakeChatClient.Answering("b");
        using var client = TestClients.Create(TestClients.Options(a, b));

        client.SetPrimaryProvider("B");

        Assert.Equal("b", (await client.Ask()).GetRoute().Provider);
        Assert.Equal("b", client.PrimaryProvider);
        Assert.Equal("b-model", client.GetService<ChatClientMetadata>()!.DefaultModelId);
        Assert.Throws<ArgumentException>(() => client.SetPrimaryProvider("nope"));
    }

    [Fact]
    public async Task GetResponse_OpenBreaker_SkipsProviderWithoutCalling()
    {
        var a = FakeChatClient.Failing("a", 500);
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.CircuitBreaker.FailureThreshold = 2;
        using var client = TestClients.Create(options);

        await client.Ask();
        await client.Ask();
        Assert.Equal(2, a.Calls);
        var route = (await client.Ask()).GetRoute();

        Assert.Equal(2, a.Calls);
        Assert.Equal(AttemptOutcome.SkippedCircuitOpen, route.Attempts[0].Outcome);
        Assert.Equal("b", route.Provider);
    }

    [Fact]
    public async Task GetResponse_BreakerRecovers_HalfOpenProbeClosesIt()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var a = new FakeChatClient("a").ThenFail(500).ThenFail(500).ThenAnswer();
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.CircuitBreaker.FailureThreshold = 2;
        options.CircuitBreaker.RecoveryTimeout = TimeSpan.FromSeconds(30);
        var changes = new List<CircuitStateChange>();
        using var client = TestClients.Create(options, time);
        client.CircuitStateChanged += (_, c) => changes.Add(c);

        await client.Ask();
        await client.Ask();
        time.Advance(TimeSpan.FromSeconds(30));
        var route = (await client.Ask()).GetRoute();

        Assert.Equal("a", route.Provider);
        Assert.Equal(
            [(CircuitState.Closed, CircuitState.Open), (CircuitState.Open, CircuitState.HalfOpen), (CircuitState.HalfOpen, CircuitState.Closed)],
            changes.Select(c => (c.From, c.To)));
        Assert.Equal(CircuitState.Closed, client.GetProviderStatus()[0].State);
    }

    [Fact]
    public async Task GetResponse_AllBreakersOpen_FailsFastWithEarliestRetryTime()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var a = FakeChatClient.Answering("a");
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.CircuitBreaker.RecoveryTimeout = TimeSpan.FromSeconds(60);
        using var client = TestClients.Create(options, time);
        await client.TripCircuitBreakerAsync("a");
        time.Advance(TimeSpan.FromSeconds(10));
        await client.TripCircuitBreakerAsync("b");

        var error = await Assert.ThrowsAsync<AllProvidersFailedException>(() => client.Ask());

        Assert.Equal(TestClients.Start + TimeSpan.FromSeconds(60), error.EarliestRetryAt);
        Assert.All(error.Errors, e => Assert.IsType<CircuitOpenException>(e));
        Assert.Contains("every circuit breaker is open", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, a.Calls + b.Calls);
    }

    [Fact]
    public async Task GetResponse_AllBreakersOpenWithWaitForRecovery_WaitsForTheFirstHalfOpen()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var a = FakeChatClient.Answering("a");
        var options = TestClients.Options(a);
        options.CircuitBreaker.RecoveryTimeout = TimeSpan.FromSeconds(20);
        options.WaitForRecovery = TimeSpan.FromSeconds(30);
        using var client = TestClients.Create(options, time);
        await client.TripCircuitBreakerAsync("a");

        var pending = client.Ask();
        Assert.False(pending.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(20));
        var response = await pending;

        Assert.Equal("a", response.GetRoute().Provider);
        Assert.Equal(1, a.Calls);
    }

    [Fact]
    public async Task GetResponse_AllBreakersOpenBeyondWaitBound_FailsFast()
    {
        var a = FakeChatClient.Answering("a");
        var options = TestClients.Options(a);
        options.CircuitBreaker.RecoveryTimeout = TimeSpan.FromSeconds(60);
        options.WaitForRecovery = TimeSpan.FromSeconds(5);
        using var client = TestClients.Create(options);
        await client.TripCircuitBreakerAsync("a");

        await Assert.ThrowsAsync<AllProvidersFailedException>(() => client.Ask());
    }

    [Fact]
    public async Task GetResponse_EveryProviderFails_ThrowsWithEveryAttemptInOrder()
    {
        var a = FakeChatClient.Failing("a", 500);
        var b = FakeChatClient.Failing("b", 429);
        var options = TestClients.Options(a, b);
        options.Retry.MaxAttempts = 2;
        using var client = TestClients.Create(options);

        var error = await Assert.ThrowsAsync<AllProvidersFailedException>(() => client.Ask());

        var attempts = error.Errors.Cast<ProviderException>().Select(e => (e.Provider, e.AttemptNumber, e.Category)).ToList();
        Assert.Equal(
            [("a", 1, ErrorCategory.ServerError), ("a", 2, ErrorCategory.ServerError), ("b", 1, ErrorCategory.RateLimited), ("b", 2, ErrorCategory.RateLimited)],
            attempts);
        Assert.Equal(4, error.Route!.Attempts.Count);
        Assert.Null(error.Route.Provider);
    }

    [Fact]
    public async Task GetResponse_NonFailoverCategory_ThrowsProviderExceptionWithoutTryingOthers()
    {
        var a = FakeChatClient.Failing("a", 400);
        var b = FakeChatClient.Answering("b");
        using var client = TestClients.Create(TestClients.Options(a, b));

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.Ask());

        Assert.Equal(ErrorCategory.InvalidRequest, error.Category);
        Assert.False(error.IsRetryable);
        Assert.Equal(0, b.Calls);
        Assert.NotNull(error.Route);
        Assert.Contains("Hint:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetService_ReturnsFlexiAIMetadataAndItself()
    {
        using var client = TestClients.Create(TestClients.Options(FakeChatClient.Answering("a")));
        var metadata = client.GetService<ChatClientMetadata>();
        Assert.Equal("flexiai", metadata!.ProviderName);
        Assert.Equal("a-model", metadata.DefaultModelId);
        Assert.Same(client, client.GetService<FlexiAIClient>());
        Assert.Null(client.GetService<ChatClientMetadata>("key"));
        await Task.CompletedTask;
    }

    [Fact]
    public void Dispose_NeverDisposesTheCallersClients_AndLaterCallsThrow()
    {
        var a = FakeChatClient.Answering("a");
        var client = TestClients.Create(TestClients.Options(a));
        client.Dispose();
        client.Dispose();
        Assert.False(a.Disposed);
        Assert.Throws<ObjectDisposedException>(() => { _ = client.Ask(); });
    }

    [Fact]
    public async Task GetProviderStatus_ReportsBreakerDetails()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var a = FakeChatClient.Failing("a", 401);
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.CircuitBreaker.FailureThreshold = 1;
        using var client = TestClients.Create(options, time);

        await client.Ask();
        var status = client.GetProviderStatus();

        Assert.Equal("a", status[0].Name);
        Assert.Equal(CircuitState.Open, status[0].State);
        Assert.Equal(1, status[0].ConsecutiveFailures);
        Assert.Equal(TestClients.Start, status[0].OpenedAt);
        Assert.Equal(TestClients.Start + options.CircuitBreaker.RecoveryTimeout, status[0].NextProbeAt);
        Assert.Equal(ErrorCategory.Authentication, status[0].LastErrorCategory);
        Assert.Equal(CircuitState.Closed, status[1].State);

        await client.ResetCircuitBreakersAsync("a");
        Assert.Equal(CircuitState.Closed, client.GetProviderStatus()[0].State);
    }

    [Fact]
    public async Task GetResponse_InvalidRequest_ThrowsBeforeAnyNetworkCall()
    {
        var a = FakeChatClient.Answering("a");
        using var client = TestClients.Create(TestClients.Options(a));

        var empty = await Assert.ThrowsAsync<RequestValidationException>(() => client.GetResponseAsync([], null));
        Assert.Equal("messages", empty.Parameter);
        var temp = await Assert.ThrowsAsync<RequestValidationException>(() => client.GetResponseAsync("hi", new ChatOptions { Temperature = 3 }));
        Assert.Equal("options.Temperature", temp.Parameter);
        await Assert.ThrowsAsync<RequestValidationException>(() => client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 0 }));
        await Assert.ThrowsAsync<RequestValidationException>(() => client.GetResponseAsync([null!], null));
        Assert.Equal(0, a.Calls);
    }

    [Fact]
    public async Task GetResponse_CallerSuppliedCorrelationId_IsUsed()
    {
        using var client = TestClients.Create(TestClients.Options(FakeChatClient.Answering("a")));
        var options = new ChatOptions { AdditionalProperties = new() { [FlexiAIClient.CorrelationIdKey] = "req-42" } };
        var response = await client.GetResponseAsync("hi", options);
        Assert.Equal("req-42", response.GetRoute().CorrelationId);
    }

    [Fact]
    public async Task GetResponse_ConcurrentRequests_AreIndependent()
    {
        var a = FakeChatClient.Answering("a");
        using var client = TestClients.Create(TestClients.Options(a));
        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => client.Ask())));
        Assert.Equal(200, responses.Select(r => r.GetRoute().CorrelationId).Distinct().Count());
        Assert.Equal(200, a.Calls);
    }

    [Fact]
    public async Task GetResponse_UnclassifiableException_IsUnknownAndFailsOver()
    {
        var a = new FakeChatClient("a").ThenThrow(() => new InvalidOperationException("boom"));
        var b = FakeChatClient.Answering("b");
        using var client = TestClients.Create(TestClients.Options(a, b));
        var route = (await client.Ask()).GetRoute();
        Assert.Equal(ErrorCategory.Unknown, route.Attempts[0].Category);
        Assert.Equal("b", route.Provider);
    }

    [Fact]
    public async Task GetResponse_TransportFailure_IsNetwork()
    {
        var a = new FakeChatClient("a").ThenThrow(() => new HttpRequestException("connection refused", new System.Net.Sockets.SocketException()));
        var b = FakeChatClient.Answering("b");
        using var client = TestClients.Create(TestClients.Options(a, b));
        Assert.Equal(ErrorCategory.Network, (await client.Ask()).GetRoute().Attempts[0].Category);
    }

    [Fact]
    public void ProviderException_Properties_AreCarried()
    {
        var failure = new ProviderFailure(ErrorCategory.RateLimited, "slow down") { StatusCode = 429, RequestId = "req_1", RetryAfter = TimeSpan.FromSeconds(3) };
        var error = new ProviderException("openai", "gpt", failure, 2, isRetryable: true, innerException: null);
        Assert.Equal(("openai", "gpt", ErrorCategory.RateLimited, 429, "req_1", TimeSpan.FromSeconds(3), 2, true),
            (error.Provider, error.Model, error.Category, error.StatusCode, error.RequestId, error.RetryAfter, error.AttemptNumber, error.IsRetryable));
        Assert.Contains("HTTP 429", error.Message, StringComparison.Ordinal);
        Assert.Contains("attempt 2", error.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(error.Hint));
        _ = HttpStatusCode.OK;
    }
}
