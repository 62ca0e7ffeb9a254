using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace FlexiAI.Tests.Observability;

/// <summary>The snapshot's windowed percentiles and rates against a known latency distribution, on a fake clock.</summary>
public sealed class MetricsSnapshotTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A provider that takes exactly the next scripted latency on the fake clock, then answers.</summary>
    private static FakeChatClient Timed(string name, FakeTimeProvider time, Func<int, TimeSpan> latency)
    {
        var calls = 0;
        return new FakeChatClient(name).Then(_ =>
        {
            time.Advance(latency(calls++));
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")) { Usage = new UsageDetails { InputTokenCount = 3, OutputTokenCount = 5 } });
        });
    }

    [Fact]
    public async Task Percentiles_follow_a_known_latency_distribution()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        // 1 ms, 2 ms, … 1000 ms, shuffled: p50 = 500 ms, p95 = 950 ms, p99 = 990 ms.
        var latencies = Enumerable.Range(1, 1000).OrderBy(i => (i * 7919) % 1000).Select(i => TimeSpan.FromMilliseconds(i)).ToArray();
        // 1,000 requests take 500 s of fake time: a one-hour window holds them all.
        using var client = new FlexiAIClient(TestClients.Options(Timed("a", time, n => latencies[n])), new FlexiAIClientOptions { TimeProvider = time, MetricsWindow = TimeSpan.FromHours(1) });

        foreach (var _ in latencies)
        {
            await client.Ask(Token);
        }

        var a = client.GetMetrics().Providers.Single();
        Assert.Equal(1000, a.Latency!.Count);
        AssertNear(500, a.Latency.P50.TotalMilliseconds);
        AssertNear(950, a.Latency.P95.TotalMilliseconds);
        AssertNear(990, a.Latency.P99.TotalMilliseconds);
        Assert.Equal(1.0, a.SuccessRate);
        Assert.Equal(3000, a.InputTokens);
        Assert.Equal(5000, a.OutputTokens);
        Assert.Null(a.TimeToFirstToken);
    }

    [Fact]
    public async Task The_window_slides_while_totals_stay_exact()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var fails = FakeChatClient.Failing("a", 500);
        using var client = new FlexiAIClient(TestClients.Options(fails, Timed("b", time, _ => TimeSpan.FromMilliseconds(10))),
            new FlexiAIClientOptions { TimeProvider = time, MetricsWindow = TimeSpan.FromMinutes(1) });

        for (var i = 0; i < 3; i++)
        {
            await client.Ask(Token);
        }

        var before = client.GetMetrics();
        Assert.Equal(TimeSpan.FromMinutes(1), before.Window);
        Assert.Equal(0.0, before.Providers[0].SuccessRate);
        Assert.Equal(3, before.Providers[0].WindowRequests);

        time.Advance(TimeSpan.FromMinutes(2));
        var after = client.GetMetrics();
        Assert.Null(after.Providers[0].SuccessRate);
        Assert.Null(after.Providers[1].Latency);
        Assert.Equal(0, after.Providers[1].WindowRequests);
        Assert.Equal(3, after.Providers[0].Failures);       // totals do not slide
        Assert.Equal(3, after.Providers[1].Successes);
        Assert.Equal(3, after.Failovers);
        Assert.Equal(3, after.Succeeded);
    }

    [Fact]
    public async Task Time_to_first_token_is_measured_for_streams()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var stream = Timed("s", time, _ => TimeSpan.FromMilliseconds(40));
        using var client = TestClients.Create(TestClients.Options(stream), time);

        for (var i = 0; i < 10; i++)
        {
            await foreach (var _ in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], null, Token))
            {
            }
        }

        var s = client.GetMetrics().Providers.Single();
        Assert.Equal(10, s.TimeToFirstToken!.Count);
        AssertNear(40, s.TimeToFirstToken.P50.TotalMilliseconds, tolerance: 0.15);
    }

    [Fact]
    public void A_non_positive_metrics_window_is_refused_naming_the_option()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new FlexiAIClient(TestClients.Options(FakeChatClient.Answering("a")), new FlexiAIClientOptions { MetricsWindow = TimeSpan.Zero }));
        Assert.Contains("MetricsWindow must be positive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Recording_allocates_nothing_and_memory_does_not_grow_with_traffic()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var aggregator = new MetricsAggregator(time, TimeSpan.FromMinutes(5));
        var provider = new RoutedProvider(new ProviderOptions { Name = "a", Model = "m" }, 0, FakeChatClient.Answering("a"), false, null!, null!, 1,
            TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        var request = new RequestState([new ChatMessage(ChatRole.User, "x")], null, "id", default, time.GetTimestamp(), TimeSpan.FromSeconds(1), default);
        var usage = new UsageDetails { InputTokenCount = 1, OutputTokenCount = 2 };
        var e = new AttemptSucceeded(request, provider, 1, TimeSpan.FromMilliseconds(12), usage);
        Done(aggregator.OnAttemptSucceededAsync(e, default)); // first attempt: the provider's fixed-size counters are created

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100_000; i++)
        {
            Done(aggregator.OnAttemptSucceededAsync(e, default));
            if (i % 1000 == 0)
            {
                time.Advance(TimeSpan.FromSeconds(1)); // slots roll over too
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(100_001, aggregator.Snapshot([new ProviderStatus("a", "custom", "m", null, 1, CircuitState.Closed, 0, null, null, null)]).Providers[0].Successes);
    }

    private static void Done(ValueTask task) => Assert.True(task.IsCompletedSuccessfully);

    private static void AssertNear(double expected, double actual, double tolerance = 0.05) =>
        Assert.True(Math.Abs(actual - expected) <= expected * tolerance, $"expected {expected} ± {tolerance:P0}, got {actual}");
}
