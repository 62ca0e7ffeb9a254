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
        _quiet = Client(1);
        _listened = Client(1);
        var meter = _listened.Instruments.Meter;
        var source = _listened.Instruments.Source;
        _meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter, meter))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meterListener.SetMeasurementEventCallback<long>(static (_, _, _, _) => { });
        _meterListener.SetMeasurementEventCallback<int>(static (_, _, _, _) => { });
        _meterListener.SetMeasurementEventCallback<double>(static (_, _, _, _) => { });
        _meterListener.Start();
        _activityListener = new ActivityListener
        {
            ShouldListenTo = s => ReferenceEquals(s, source),
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_activityListener);

        // 10 providers, 1,000,000 requests recorded (100,000 answered by each, over the whole window).
        _tenProviders = Client(10);
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

    private static FlexiAIClient Client(int providers)
    {
        var options = new FlexiAIOptions();
        options.Retry.MaxAttempts = 1;
        for (var i = 0; i < providers; i++)
        {
            options.Providers.Add(new ProviderOptions { Name = $"p{i + 1}", Priority = i + 1, Model = "m", ChatClient = new InMemoryChatClient() });
        }

        return new FlexiAIClient(options);
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
