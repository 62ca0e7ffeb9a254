using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;

namespace FlexiAI.Benchmarks;

/// <summary>
/// The cost of observability on the success path: nobody listening (the snapshot aggregator only), a MeterListener and an
/// ActivityListener sampling everything, against the direct call measured in the same run; and GetMetrics() with 10 providers
/// after 1,000,000 recorded requests.
/// </summary>
[MemoryDiagnoser]
public class ObservabilityBenchmarks
{
    private readonly List<ChatMessage> _messages = [new(ChatRole.User, "ping")];
    private InMemoryChatClient _direct = null!;
    private FlexiAIClient _quiet = null!;
    private FlexiAIClient _listened = null!;
    private FlexiAIClient _tenProviders = null!;
    private MeterListener _meterListener = null!;
    private ActivityListener _activityListener = null!;
    private ObservedClients _bare = null!;

    [GlobalSetup]
    public void Setup()
    {
        _direct = new InMemoryChatClient();
        _bare = new ObservedClients();
        _quiet = ObservedClients.Client(1);
        _listened = ObservedClients.Client(1);
        var meter = _listened.Instruments.Meter;
        var source = _listened.Instruments.Source;
        _meterListener = ObservedClients.ListenTo(meter);
        _activityListener = ObservedClients.SampleAll(s => ReferenceEquals(s, source));

        // 10 providers, 1,000,000 requests recorded (100,000 answered by each, over the whole window).
        _tenProviders = ObservedClients.Client(10);
        var aggregator = _tenProviders.Metrics;
        var set = _tenProviders.CurrentProviders;
        var request = new RequestState(_messages, null, "id", default, TimeProvider.System.GetTimestamp(), Timeout.InfiniteTimeSpan, default);
        var usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 20 };
        for (var i = 0; i < 1_000_000; i++)
        {
            var provider = set[i % set.Length];
            var task = aggregator.OnAttemptSucceededAsync(new AttemptSucceeded(request, provider, 1, TimeSpan.FromMilliseconds(1 + (i % 997)), usage), default);
            Debug.Assert(task.IsCompletedSuccessfully);
        }
    }

    [Benchmark(Baseline = true, Description = "direct provider call")]
    public Task<ChatResponse> Direct() => _direct.GetResponseAsync(_messages);

    [Benchmark(Description = "FlexiAI success, nobody listening (snapshot only)")]
    public Task<ChatResponse> NobodyListening() => _quiet.GetResponseAsync(_messages);

    [Benchmark(Description = "FlexiAI success, MeterListener + ActivityListener (all sampled)")]
    public Task<ChatResponse> Listening() => _listened.GetResponseAsync(_messages);

    [Benchmark(Description = "direct call + two bare spans (the runtime's floor for tracing, no FlexiAI code)")]
    public Task<ChatResponse> DirectWithTwoBareSpans() => _bare.DirectWithTwoBareSpans();

    [Benchmark(Description = "GetMetrics(), 10 providers, 1,000,000 requests recorded")]
    public MetricsSnapshot GetMetrics() => _tenProviders.GetMetrics();

    [GlobalCleanup]
    public void Cleanup()
    {
        _meterListener.Dispose();
        _activityListener.Dispose();
        _quiet.Dispose();
        _listened.Dispose();
        _tenProviders.Dispose();
        _bare.Dispose();
    }
}
