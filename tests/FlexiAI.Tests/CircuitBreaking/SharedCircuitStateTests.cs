using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FlexiAI.Tests.CircuitBreaking;

/// <summary>Breaker state shared through a state store, seen from the public client: peers' transitions, and stores that fail.</summary>
public class SharedCircuitStateTests
{
    private readonly FakeTimeProvider _time = new(TestClients.Start);

    private static FlexiAIOptions Options(ICircuitStateStore store, params IChatClient[] providers)
    {
        var options = TestClients.Options(providers);
        options.CircuitBreaker.FailureThreshold = 1;
        options.CircuitBreaker.StateStore = store;
        return options;
    }

    [Fact]
    public async Task TwoClientsSharingAStore_OneOpensAProvider_TheOtherSkipsItWithoutCallingIt()
    {
        var store = new InMemoryCircuitStateStore();
        var failingA = FakeChatClient.Failing("a", 500);
        var peerA = FakeChatClient.Answering("a");
        using var first = TestClients.Create(Options(store, failingA, FakeChatClient.Answering("b")), _time);
        using var second = TestClients.Create(Options(store, peerA, FakeChatClient.Answering("b")), _time);

        Assert.Equal("b", (await first.Ask(TestContext.Current.CancellationToken)).GetRoute().Provider);
        var route = (await second.Ask(TestContext.Current.CancellationToken)).GetRoute();

        Assert.Equal("b", route.Provider);
        Assert.Equal(AttemptOutcome.SkippedCircuitOpen, route.Attempts[0].Outcome);
        Assert.Equal(0, peerA.Calls);
        Assert.Equal(CircuitState.Open, second.GetProviderStatus().Single(p => p.Name == "a").State);
    }

    [Fact]
    public async Task TwoClientsSharingAStoreThatCannotPush_TheOtherSkipsTheProviderAfterTheRefreshInterval()
    {
        var store = new ControllableCircuitStateStore();
        var failingA = FakeChatClient.Failing("a", 500);
        var peerA = FakeChatClient.Answering("a");
        var options = Options(store, failingA, FakeChatClient.Answering("b"));
        using var first = TestClients.Create(options, _time);
        using var second = TestClients.Create(Options(store, peerA, FakeChatClient.Answering("b")), _time);

        await first.Ask(TestContext.Current.CancellationToken);
        _time.Advance(options.CircuitBreaker.StoreRefreshInterval);
        var route = (await second.Ask(TestContext.Current.CancellationToken)).GetRoute();

        Assert.Equal("b", route.Provider);
        Assert.Equal(0, peerA.Calls);
    }

    [Fact]
    public async Task StateStoreThrows_RequestsSucceedAndOneWarningIsLogged()
    {
        var capture = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(capture));
        var store = new ControllableCircuitStateStore { Fault = StoreFault.Throw };
        var a = FakeChatClient.Failing("a", 500);
        using var client = TestClients.Create(Options(store, a, FakeChatClient.Answering("b")), _time, loggerFactory: factory);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("b", (await client.Ask(TestContext.Current.CancellationToken)).GetRoute().Provider);
        }

        Assert.Equal(1, a.Calls); // opened on the local view after its first failure
        Assert.Single(capture.Lines, l => l.StartsWith("Warning: Circuit state store", StringComparison.Ordinal));
        Assert.Equal(CircuitState.Open, client.GetProviderStatus().Single(p => p.Name == "a").State);
    }

    [Fact]
    public async Task StateStoreHangs_RequestsSucceedOnceTheStoreTimeoutPasses()
    {
        var capture = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(capture));
        var store = new ControllableCircuitStateStore();
        var a = FakeChatClient.Failing("a", 500);
        var options = Options(store, a, FakeChatClient.Answering("b"));
        using var client = TestClients.Create(options, _time, loggerFactory: factory);
        store.Fault = StoreFault.Hang;

        var asking = client.Ask(TestContext.Current.CancellationToken);
        await TestClients.Until(() => a.Calls == 1);
        Assert.False(asking.IsCompleted);
        _time.Advance(options.CircuitBreaker.StoreTimeout);
        Assert.Equal("b", (await asking.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).GetRoute().Provider);

        // The store rests after failing: the next request neither waits for it nor calls the open provider.
        var next = client.Ask(TestContext.Current.CancellationToken);
        Assert.Equal("b", (await next.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).GetRoute().Provider);
        Assert.Equal(1, a.Calls);
        Assert.Single(capture.Lines, l => l.StartsWith("Warning: Circuit state store", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ProbeStreamAbandonedByTheCaller_FreesTheSlotForTheNextRequest()
    {
        var a = FakeChatClient.Failing("a", 500).ThenAnswer();
        a.StreamChunks = ["one", "two", "three"];
        var options = Options(new InMemoryCircuitStateStore(), a, FakeChatClient.Answering("b"));
        using var client = TestClients.Create(options, _time);
        await client.Ask(TestContext.Current.CancellationToken);
        _time.Advance(options.CircuitBreaker.RecoveryTimeout);

        // The half-open probe streams; the caller stops reading after the first update (no verdict either way).
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hello")], null, TestContext.Current.CancellationToken))
        {
            Assert.Equal("one", update.Text);
            break;
        }

        Assert.Equal(2, a.Calls);
        var route = (await client.Ask(TestContext.Current.CancellationToken)).GetRoute();
        Assert.Equal("a", route.Provider);
        Assert.Equal(CircuitState.Closed, client.GetProviderStatus().Single(p => p.Name == "a").State);
    }
}
