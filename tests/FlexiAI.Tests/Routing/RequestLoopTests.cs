using System.Net;
using System.Runtime.CompilerServices;
using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FlexiAI.Tests.Routing;

/// <summary>The one request loop: gates, the shared response/stream path, deadlines, stream continuation and lifetimes.</summary>
public class RequestLoopTests
{
    private static readonly ChatMessage[] Conversation = [new(ChatRole.User, "Count")];

    [Fact]
    public async Task Gate_Skip_IsNeitherRetriedNorCounted_AndShowsOnTheRouteWithItsReason()
    {
        var a = FakeChatClient.Answering("a");
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.Retry.MaxAttempts = 3;
        options.CircuitBreaker.FailureThreshold = 1;
        var clientOptions = new FlexiAIClientOptions { TimeProvider = new FakeTimeProvider(TestClients.Start), Random = new Random(1) };
        var gate = new SkippingGate("a", "rate limited");
        clientOptions.AdmissionGates.Add(p => p.Name == "a" ? gate : null);
        using var client = new FlexiAIClient(options, clientOptions);

        for (var i = 0; i < 3; i++)
        {
            var response = await client.Ask();
            var route = response.GetRoute();
            Assert.Equal("b", route.Provider);
            Assert.Equal(AttemptOutcome.Skipped, route.Attempts[0].Outcome);
            Assert.Equal("rate limited", route.Attempts[0].SkipReason);
            Assert.Contains("skipped(rate limited)", route.ToString(), StringComparison.Ordinal);
        }

        Assert.Equal(0, a.Calls);
        Assert.Equal(3, gate.Asked);
        var status = client.GetProviderStatus().Single(s => s.Name == "a");
        Assert.Equal(CircuitState.Closed, status.State);
        Assert.Equal(0, status.ConsecutiveFailures);
    }

    [Fact]
    public async Task Gate_SkipAfterTheBreakerGrantedTheProbe_ReleasesTheProbe()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var a = FakeChatClient.Answering("a");
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.CircuitBreaker.RecoveryTimeout = TimeSpan.FromSeconds(10);
        var clientOptions = new FlexiAIClientOptions { TimeProvider = time, Random = new Random(1) };
        var gate = new SkippingGate("a", "budget") { Skipping = true };
        clientOptions.AdmissionGates.Add(p => p.Name == "a" ? gate : null);
        using var client = new FlexiAIClient(options, clientOptions);
        await client.TripCircuitBreakerAsync("a");
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal("b", (await client.Ask()).GetRoute().Provider);

        // The breaker's probe was handed back when the second gate said no: the next request may probe.
        gate.Skipping = false;
        Assert.Equal("a", (await client.Ask()).GetRoute().Provider);
        Assert.Equal(CircuitState.Closed, client.GetProviderStatus().Single(s => s.Name == "a").State);
    }

    [Fact]
    public async Task SameFaults_ThroughResponseAndStream_GiveTheSameRoute()
    {
        static FlexiAIClient Build()
        {
            var a = new FakeChatClient("a").ThenFail(503).ThenFail(429).ThenAnswer();
            var b = new FakeChatClient("b").ThenFail(500).ThenAnswer();
            var c = FakeChatClient.Answering("c");
            var options = TestClients.Options(a, b, c);
            options.Retry.MaxAttempts = 2;
            return TestClients.Create(options);
        }

        static string Shape(RouteReport route) =>
            string.Join(" ", route.Attempts.Select(x => $"{x.Provider}#{x.AttemptNumber}:{x.Outcome}:{x.Category}:{x.StatusCode}")) + " => " + route.Provider;

        using var forResponse = Build();
        using var forStream = Build();
        var responseRoute = (await forResponse.Ask()).GetRoute();
        RouteReport? streamRoute = null;
        await foreach (var update in forStream.GetStreamingResponseAsync(Conversation))
        {
            streamRoute = update.TryGetRoute() ?? streamRoute;
        }

        Assert.Equal("a#1:Failed:Overloaded:503 a#2:Failed:RateLimited:429 b#1:Failed:ServerError:500 b#2:Succeeded:: => b", Shape(responseRoute));
        Assert.Equal(Shape(responseRoute), Shape(streamRoute!));
    }

    [Fact]
    public async Task RequestTimeout_HoldsAfterTheFirstUpdate_ForATricklingStream()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var trickle = new TricklingClient(time, TimeSpan.FromSeconds(3));
        var options = TestClients.Options(trickle);
        options.RequestTimeout = TimeSpan.FromSeconds(10);
        options.Streaming.IdleTimeout = TimeSpan.FromSeconds(5);
        using var client = TestClients.Create(options, time);

        var pending = Consume(client.GetStreamingResponseAsync(Conversation));
        var advanced = await AdvanceUntilDone(time, pending, TimeSpan.FromSeconds(1), limit: 30);

        var error = await Assert.ThrowsAsync<StreamInterruptedException>(() => pending);
        Assert.Equal(ErrorCategory.Timeout, error.Category);
        Assert.InRange(advanced, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(11));
        Assert.StartsWith("chunk chunk chunk", error.PartialText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestTimeout_HoldsWithAnInfiniteIdleTimeout()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var trickle = new TricklingClient(time, TimeSpan.FromSeconds(3));
        var options = TestClients.Options(trickle);
        options.RequestTimeout = TimeSpan.FromSeconds(10);
        options.Streaming.IdleTimeout = Timeout.InfiniteTimeSpan;
        using var client = TestClients.Create(options, time);

        var pending = Consume(client.GetStreamingResponseAsync(Conversation));
        var advanced = await AdvanceUntilDone(time, pending, TimeSpan.FromSeconds(1), limit: 30);

        var error = await Assert.ThrowsAsync<StreamInterruptedException>(() => pending);
        Assert.Equal(ErrorCategory.Timeout, error.Category);
        Assert.InRange(advanced, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(11));
    }

    [Fact]
    public async Task IdleTimeout_UsesTheClientsClock_EvenWhenTheAttemptTimeoutIsInfinite()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var a = FakeChatClient.Answering("a");
        a.StreamChunks = ["one ", "two"];
        a.StallAt = 1;
        var options = TestClients.Options(a);
        options.AttemptTimeout = Timeout.InfiniteTimeSpan;
        options.RequestTimeout = Timeout.InfiniteTimeSpan;
        options.Streaming.FirstTokenTimeout = Timeout.InfiniteTimeSpan;
        options.Streaming.IdleTimeout = TimeSpan.FromSeconds(30);
        using var client = TestClients.Create(options, time);

        // 30 s of fake time pass in well under a second of real time: only the client's clock can fire the idle timeout.
        var pending = Consume(client.GetStreamingResponseAsync(Conversation));
        var advanced = await AdvanceUntilDone(time, pending, TimeSpan.FromSeconds(1), limit: 40);
        Assert.InRange(advanced, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(31));

        var error = await Assert.ThrowsAsync<StreamInterruptedException>(() => pending);
        Assert.Equal(ErrorCategory.Timeout, error.Category);
        Assert.Equal("one ", error.PartialText);
    }

    [Fact]
    public async Task Continuation_ChecksTheTerminalEventOfEachProviderStream()
    {
        // a sends its finish reason, then its stream breaks; b continues but its stream ends truncated (no finish reason).
        var a = new ScriptedStreamClient(
            [new ChatResponseUpdate(ChatRole.Assistant, "one ") { FinishReason = ChatFinishReason.Stop }],
            new HttpRequestException("reset", null, HttpStatusCode.ServiceUnavailable));
        var b = FakeChatClient.Answering("b");
        b.StreamChunks = ["two"];
        b.EndWithFinishReason = false;
        var options = TestClients.Options(a, b);
        options.Streaming.MidStreamPolicy = MidStreamPolicy.Continue;
        using var client = TestClients.Create(options);

        var error = await Assert.ThrowsAsync<StreamInterruptedException>(() => Consume(client.GetStreamingResponseAsync(Conversation)));

        Assert.Equal("one two", error.PartialText);
        Assert.Equal(ErrorCategory.Network, error.Category);
        Assert.Equal([AttemptOutcome.Interrupted, AttemptOutcome.Interrupted], error.Route!.Attempts.Select(x => x.Outcome));
    }

    [Fact]
    public async Task Continuation_WhenNoProviderCanContinue_CarriesTheInterruptingFailure()
    {
        var a = FakeChatClient.Answering("a");
        a.StreamChunks = ["one ", "two"];
        a.StreamFailure = (i, _) => i == 1 ? new HttpRequestException("boom", null, HttpStatusCode.InternalServerError) : null;
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.Streaming.MidStreamPolicy = MidStreamPolicy.Continue;
        using var client = TestClients.Create(options);
        await client.TripCircuitBreakerAsync("b");

        var error = await Assert.ThrowsAsync<StreamInterruptedException>(() => Consume(client.GetStreamingResponseAsync(Conversation)));

        Assert.Equal(ErrorCategory.ServerError, error.Category);
        var cause = Assert.IsType<ProviderException>(error.InnerException);
        Assert.Equal("a", cause.Provider);
        Assert.Equal(500, cause.StatusCode);
        Assert.Equal("one ", error.PartialText);
    }

    [Fact]
    public async Task Reload_RetiresTheOldProviders_WhenTheirLastRequestEnds_EvenWithAnInfiniteRequestTimeout()
    {
        var created = new List<FakeChatClient>();
        var gate = new TaskCompletionSource<ChatResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        var factory = new FakeFactory(name =>
        {
            var client = new FakeChatClient(name).Then(_ => created.Count == 1 ? gate.Task : Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "new"))));
            created.Add(client);
            return client;
        });
        var options = new FlexiAIOptions { RequestTimeout = Timeout.InfiniteTimeSpan };
        options.Providers.Add(new ProviderOptions { Name = "x", Type = "fake", Model = "m" });
        using var client = new FlexiAIClient(options, new FlexiAIClientOptions { ProviderFactories = { factory }, TimeProvider = new FakeTimeProvider(TestClients.Start) });

        var inFlight = client.Ask();
        await TestClients.Until(() => created[0].Calls == 1);
        await client.ReloadAsync(options);
        Assert.Equal("new", (await client.Ask()).Text);

        Assert.False(created[0].Disposed);
        gate.SetResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "old")));
        Assert.Equal("old", (await inFlight).Text);
        Assert.True(created[0].Disposed);
        Assert.False(created[1].Disposed);

        client.Dispose();
        Assert.True(created[1].Disposed);
    }

    [Fact]
    public async Task Stream_FailingBeforeVisibleText_RaisesTheFailoverHook()
    {
        var a = FakeChatClient.Answering("a");
        a.StreamChunks = ["", "never"];
        a.StreamFailure = (i, _) => i == 1 ? new HttpRequestException("reset", null, HttpStatusCode.BadGateway) : null;
        var b = FakeChatClient.Answering("b");
        var failovers = new List<string>();
        var hooks = new FlexiAIHooks().OnFailover((c, _) => { failovers.Add($"{c.Provider}->{c.NextProvider}"); return ValueTask.CompletedTask; });
        using var client = TestClients.Create(TestClients.Options(a, b), hooks: hooks);

        Assert.Equal("Hello", await Consume(client.GetStreamingResponseAsync(Conversation)));
        Assert.Equal(["a->b"], failovers);
    }

    [Fact]
    public async Task Reload_KeepsTheChosenPrimary()
    {
        var options = TestClients.Options(FakeChatClient.Answering("a"), FakeChatClient.Answering("b"));
        using var client = TestClients.Create(options);
        client.SetPrimaryProvider("b");

        await client.ReloadAsync(options);

        Assert.Equal("b", client.PrimaryProvider);
        Assert.Equal("b", (await client.Ask()).GetRoute().Provider);
    }

    [Fact]
    public async Task GetProviderStatusAsync_ReadsTheSharedStore()
    {
        var store = new InMemoryCircuitStateStore();
        var optionsA = TestClients.Options(FakeChatClient.Answering("a"));
        optionsA.CircuitBreaker.StateStore = store;
        var optionsB = TestClients.Options(FakeChatClient.Answering("a"));
        optionsB.CircuitBreaker.StateStore = store;
        using var clientA = TestClients.Create(optionsA);
        using var clientB = TestClients.Create(optionsB);

        await clientA.TripCircuitBreakerAsync("a");

        Assert.Equal(CircuitState.Open, (await clientB.GetProviderStatusAsync()).Single().State);
    }

    [Fact]
    public async Task Logs_CarryTheCorrelationIdInAScope()
    {
        var scopes = new ScopeCapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(scopes).SetMinimumLevel(LogLevel.Trace));
        var options = TestClients.Options(FakeChatClient.Failing("a", 503), FakeChatClient.Answering("b"));
        using var client = TestClients.Create(options, loggerFactory: factory);

        var route = (await client.Ask()).GetRoute();

        Assert.NotEmpty(scopes.Entries);
        Assert.All(scopes.Entries.Where(e => e.Message.Contains(route.CorrelationId, StringComparison.Ordinal)), e => Assert.Equal(route.CorrelationId, e.CorrelationId));
        Assert.Contains(scopes.Entries, e => e.CorrelationId == route.CorrelationId && e.Message.Contains("Failing over", StringComparison.Ordinal));
    }

    private static async Task<string> Consume(IAsyncEnumerable<ChatResponseUpdate> stream)
    {
        var text = "";
        await foreach (var update in stream)
        {
            text += update.Text;
        }

        return text;
    }

    private static async Task<TimeSpan> AdvanceUntilDone(FakeTimeProvider time, Task pending, TimeSpan step, int limit)
    {
        var advanced = TimeSpan.Zero;
        for (var i = 0; i < limit && !pending.IsCompleted; i++)
        {
            // Let the stream reach its next wait before moving the clock.
            for (var spin = 0; spin < 20 && !pending.IsCompleted; spin++)
            {
                await Task.Delay(1);
            }

            if (pending.IsCompleted)
            {
                break;
            }

            time.Advance(step);
            advanced += step;
        }

        await TestClients.Until(() => pending.IsCompleted);
        return advanced;
    }

    private sealed class SkippingGate(string provider, string reason) : AdmissionGate
    {
        public int Asked { get; private set; }

        public bool Skipping { get; set; } = true;

        public override ValueTask<Admission> AdmitAsync(RequestState request, CancellationToken cancellationToken)
        {
            Asked++;
            return new(Skipping
                ? Admission.Skip(AttemptOutcome.Skipped, reason, null, new InvalidOperationException($"{provider} skipped: {reason}"))
                : Admission.Allow);
        }
    }

    /// <summary>Streams "chunk " forever, one every interval by the fake clock, each with no finish reason.</summary>
    private sealed class TricklingClient(TimeProvider time, TimeSpan interval) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            while (true)
            {
                yield return new ChatResponseUpdate(ChatRole.Assistant, "chunk ");
                await Task.Delay(interval, time, cancellationToken);
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    /// <summary>Yields the given updates, then throws.</summary>
    private sealed class ScriptedStreamClient(ChatResponseUpdate[] updates, Exception then) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var update in updates)
            {
                await Task.Yield();
                yield return update;
            }

            throw then;
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private sealed class FakeFactory(Func<string, IChatClient> create) : ProviderFactory
    {
        public override string Type => "fake";

        public override IChatClient CreateClient(ProviderOptions provider, ProviderFactoryContext context) => create(provider.Name);
    }

    private sealed class ScopeCapturingLoggerProvider : ILoggerProvider, ILogger
    {
        private readonly AsyncLocal<string?> _scope = new();

        public System.Collections.Concurrent.ConcurrentQueue<(string Message, string? CorrelationId)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            var previous = _scope.Value;
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs && pairs.FirstOrDefault(p => p.Key == "CorrelationId").Value is string id)
            {
                _scope.Value = id;
            }

            return new Restore(() => _scope.Value = previous);
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Enqueue((formatter(state, exception), _scope.Value));

        public void Dispose()
        {
        }

        private sealed class Restore(Action restore) : IDisposable
        {
            public void Dispose() => restore();
        }
    }
}
