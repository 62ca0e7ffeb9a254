using System.Collections.Concurrent;
using System.Net;
using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace FlexiAI.Tests.Routing;

public class ConcurrencyInvariantTests
{
    private sealed class RandomlyFailingClient(string name, double failureRatio, int seed) : IChatClient
    {
        private readonly Random _random = new(seed);
        private readonly object _gate = new();
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            bool fail;
            lock (_gate)
            {
                fail = _random.NextDouble() < failureRatio;
            }

            await Task.Yield();
            return fail
                ? throw new HttpRequestException("scripted", null, HttpStatusCode.ServiceUnavailable)
                : new ChatResponse(new ChatMessage(ChatRole.Assistant, name));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    [Fact]
    public async Task ThousandRequests_RandomFailures_InvariantsHold()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var providers = new[] { new RandomlyFailingClient("p1", 0.5, 1), new RandomlyFailingClient("p2", 0.3, 2), new RandomlyFailingClient("p3", 0.2, 3) };
        var options = TestClients.Options(providers);
        options.Retry.MaxAttempts = 2;
        options.CircuitBreaker.FailureThreshold = 3;
        options.CircuitBreaker.RecoveryTimeout = TimeSpan.FromMilliseconds(50);
        var transitions = new ConcurrentQueue<CircuitStateChange>();
        using var client = TestClients.Create(options, time);
        client.CircuitStateChanged += (_, c) => transitions.Enqueue(c);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => Task.Run(async () =>
        {
            if (i % 50 == 0)
            {
                time.Advance(TimeSpan.FromMilliseconds(60));
            }

            try
            {
                return (Response: await client.Ask(), Error: (AllProvidersFailedException?)null);
            }
            catch (AllProvidersFailedException ex)
            {
                return (Response: (ChatResponse?)null, Error: ex);
            }
        })));

        var upstreamCalls = 0;
        foreach (var (response, error) in outcomes)
        {
            if (response is not null)
            {
                var route = response.GetRoute();
                Assert.Equal(response.Text, route.Provider);
                Assert.Equal(AttemptOutcome.Succeeded, route.Attempts[^1].Outcome);
                Assert.All(route.Attempts.Take(route.Attempts.Count - 1), a => Assert.NotEqual(AttemptOutcome.Succeeded, a.Outcome));
                upstreamCalls += route.Attempts.Count(a => a.Outcome != AttemptOutcome.SkippedCircuitOpen);
            }
            else
            {
                Assert.NotNull(error);
                Assert.Equal(error.Errors.Count, error.Route!.Attempts.Count);
                Assert.All(error.Route.Attempts, a => Assert.NotEqual(AttemptOutcome.Succeeded, a.Outcome));
                upstreamCalls += error.Route.Attempts.Count(a => a.Outcome == AttemptOutcome.Failed);
            }
        }

        // No retry amplification: every upstream call is accounted for in some route.
        Assert.Equal(providers.Sum(p => p.Calls), upstreamCalls);

        var legal = new HashSet<(CircuitState, CircuitState)>
        {
            (CircuitState.Closed, CircuitState.Open),
            (CircuitState.Open, CircuitState.HalfOpen),
            (CircuitState.HalfOpen, CircuitState.Closed),
            (CircuitState.HalfOpen, CircuitState.Open),
        };
        Assert.All(transitions, t => Assert.Contains((t.From, t.To), legal));
        foreach (var group in transitions.GroupBy(t => t.Provider))
        {
            Assert.All(group.Where(t => t.To == CircuitState.HalfOpen), t => Assert.Equal(CircuitTransitionReason.RecoveryTimeoutElapsed, t.Reason));
        }

        Assert.Contains(outcomes, o => o.Response is not null);
        Assert.NotEmpty(transitions);
    }

    // The 1,000-callers-against-a-half-open-breaker test moved to tests/FlexiAI.Reliability (Concurrency/HalfOpenProbeTests),
    // where it goes through the emulator and counts the probe in its journal.
}
