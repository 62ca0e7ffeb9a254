using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;

namespace FlexiAI.Benchmarks;

/// <summary>
/// The clients the observability benchmarks compare: the in-memory provider called directly, a <see cref="FlexiAIClient"/> over
/// it with nobody listening, and one whose meter and activity source have a <see cref="MeterListener"/> (every instrument
/// enabled) and an <see cref="ActivityListener"/> (sampling all, <see cref="ActivitySamplingResult.AllDataAndRecorded"/>).
/// </summary>
public sealed class ObservedClients : IDisposable
{
    private readonly List<ChatMessage> _messages = [new(ChatRole.User, "ping")];
    private readonly InMemoryChatClient _direct = new();
    private readonly FlexiAIClient _quiet;
    private readonly FlexiAIClient _listened;
    private readonly FlexiAIClient _metered;
    private readonly FlexiAIClient _traced;
    private readonly MeterListener _meterOnly;
    private readonly ActivitySource _bareSource = new("FlexiAI.Benchmarks.BareSpans");
    private readonly ActivityListener _bareListener;
    private readonly MeterListener _meterListener;
    private readonly ActivityListener _activityListener;

    public ObservedClients()
    {
        _quiet = Client(1);
        _listened = Client(1);
        _traced = Client(1);
        var meter = _listened.Instruments.Meter;
        var source = _listened.Instruments.Source;
        var tracedSource = _traced.Instruments.Source;
        _meterListener = ListenTo(meter);
        _activityListener = SampleAll(s => ReferenceEquals(s, source) || ReferenceEquals(s, tracedSource));

        _metered = Client(1);
        _meterOnly = ListenTo(_metered.Instruments.Meter);
        _bareListener = SampleAll(s => ReferenceEquals(s, _bareSource));
    }

    /// <summary>
    /// The runtime's floor under the traced path: the direct call plus what any tracer pays for a request span and a child span
    /// (started with an <see cref="ActivityListener"/> sampling all, no tags, then stopped) — no FlexiAI code.
    /// </summary>
    public Task<ChatResponse> DirectWithTwoBareSpans()
    {
        var request = _bareSource.StartActivity("chat m", ActivityKind.Client);
        var attempt = _bareSource.StartActivity("attempt p1");
        var answer = _direct.GetResponseAsync(_messages);
        attempt?.Dispose();
        request?.Dispose();
        return answer;
    }

    /// <summary>The success path with only an <see cref="ActivityListener"/> (no meter listener).</summary>
    public Task<ChatResponse> TracedOnly() => _traced.GetResponseAsync(_messages);

    /// <summary>The success path with only a <see cref="MeterListener"/> (no tracing).</summary>
    public Task<ChatResponse> MeterOnly() => _metered.GetResponseAsync(_messages);

    /// <summary>Starts a <see cref="MeterListener"/> with every instrument of <paramref name="meter"/> enabled (callbacks do nothing).</summary>
    public static MeterListener ListenTo(Meter meter)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, meter))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>(static (_, _, _, _) => { });
        listener.SetMeasurementEventCallback<int>(static (_, _, _, _) => { });
        listener.SetMeasurementEventCallback<double>(static (_, _, _, _) => { });
        listener.Start();
        return listener;
    }

    /// <summary>Adds an <see cref="ActivityListener"/> that samples every activity of the sources <paramref name="listenTo"/> selects.</summary>
    public static ActivityListener SampleAll(Func<ActivitySource, bool> listenTo)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = listenTo,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    /// <summary>Creates a client over <paramref name="providers"/> in-memory providers.</summary>
    public static FlexiAIClient Client(int providers)
    {
        var options = new FlexiAIOptions();
        options.Retry.MaxAttempts = 1;
        for (var i = 0; i < providers; i++)
        {
            options.Providers.Add(new ProviderOptions { Name = $"p{i + 1}", Priority = i + 1, Model = "m", ChatClient = new InMemoryChatClient() });
        }

        return new FlexiAIClient(options);
    }

    public Task<ChatResponse> Direct() => _direct.GetResponseAsync(_messages);

    public Task<ChatResponse> Quiet() => _quiet.GetResponseAsync(_messages);

    public Task<ChatResponse> Listened() => _listened.GetResponseAsync(_messages);

    public void Dispose()
    {
        _meterListener.Dispose();
        _activityListener.Dispose();
        _quiet.Dispose();
        _listened.Dispose();
        _meterOnly.Dispose();
        _bareListener.Dispose();
        _bareSource.Dispose();
        _metered.Dispose();
        _traced.Dispose();
    }
}
