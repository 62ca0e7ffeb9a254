using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace FlexiAI;

/// <summary>
/// One client's <see cref="Meter"/>, <see cref="ActivitySource"/> and instruments (all named in docs/observability.md).
/// The instruments are created once here; subscribers only record. New instruments (the cost counter of the cost
/// feature, <c>flexiai.cost</c>) belong here too, next to the others.
/// </summary>
internal sealed class FlexiAIInstruments : IDisposable
{
    private static readonly string? Version = typeof(FlexiAIInstruments).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    // Histogram buckets for durations in seconds (the GenAI conventions' advice) and for token counts.
    private static readonly double[] DurationBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
    private static readonly int[] TokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

    public FlexiAIInstruments(Func<IEnumerable<Measurement<int>>> observeCircuits)
    {
        Meter = new Meter(new MeterOptions(FlexiAITelemetry.SourceName) { Version = Version });
        Source = new ActivitySource(FlexiAITelemetry.SourceName, Version);

        OperationDuration = Meter.CreateHistogram<double>("gen_ai.client.operation.duration", "s",
            "Duration of a FlexiAI chat request, retries and failover included.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        TokenUsage = Meter.CreateHistogram<int>("gen_ai.client.token.usage", "{token}",
            "Tokens used by a request, by gen_ai.token.type (input, output).", advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = TokenBuckets });
        Requests = Meter.CreateCounter<long>("flexiai.requests", "{request}", "Requests that ended, by outcome (success, failure, cancelled).");
        Attempts = Meter.CreateCounter<long>("flexiai.attempts", "{attempt}", "Attempts sent to a provider, by provider and outcome; failures by error.type (the error category).");
        AttemptDuration = Meter.CreateHistogram<double>("flexiai.attempt.duration", "s",
            "Duration of one attempt on one provider.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        Failovers = Meter.CreateCounter<long>("flexiai.failovers", "{failover}", "Moves of a request from one provider to the next (flexiai.from, flexiai.to).");
        Retries = Meter.CreateCounter<long>("flexiai.retries", "{retry}", "Retries of a failed attempt on the same provider, by provider and error.type.");
        Skips = Meter.CreateCounter<long>("flexiai.skips", "{skip}", "Providers skipped by an admission gate without a call, by provider and flexiai.skip.reason.");
        TimeToFirstToken = Meter.CreateHistogram<double>("flexiai.time_to_first_token", "s",
            "Time from a streaming attempt's start to its first update.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        CircuitTransitions = Meter.CreateCounter<long>("flexiai.circuit.transitions", "{transition}", "Circuit-breaker transitions, by provider, from, to and reason.");
        CircuitState = Meter.CreateObservableGauge("flexiai.circuit.state", observeCircuits, "{state}",
            "Each provider's circuit-breaker state: 0 closed, 1 half-open, 2 open.");

        CacheRequests = Meter.CreateCounter<long>("flexiai.cache.requests", "{request}",
            "Requests seen by the response cache, by flexiai.cache.result (hit, miss, bypass, store_error) and flexiai.cache.backend.");
        Cost = Meter.CreateCounter<double>("flexiai.cost", "{USD}", "What billed attempts cost in US dollars (failed ones included), by provider and model.");
    }

    /// <summary>Gets the <c>flexiai.cache.requests</c> counter (by <c>flexiai.cache.result</c> and <c>flexiai.cache.backend</c>).</summary>
    public Counter<long> CacheRequests { get; }

    /// <summary>Gets the <c>flexiai.cost</c> counter (US dollars, by <c>flexiai.provider</c> and <c>gen_ai.request.model</c>; never by tag, whose values are unbounded).</summary>
    public Counter<double> Cost { get; }

    /// <summary>Adds one billed attempt's cost to <see cref="Cost"/> (the cost ledger calls this for every record).</summary>
    /// <param name="record">What was billed.</param>
    public void RecordCost(CostRecord record)
    {
        if (Cost.Enabled)
        {
            Cost.Add(record.PicoDollars / 1e12, new KeyValuePair<string, object?>(TelemetryTags.Provider, record.Provider), new KeyValuePair<string, object?>(TelemetryTags.RequestModel, record.Model));
        }
    }

    public Meter Meter { get; }

    public ActivitySource Source { get; }

    public Histogram<double> OperationDuration { get; }

    public Histogram<int> TokenUsage { get; }

    public Counter<long> Requests { get; }

    public Counter<long> Attempts { get; }

    public Histogram<double> AttemptDuration { get; }

    public Counter<long> Failovers { get; }

    public Counter<long> Retries { get; }

    public Counter<long> Skips { get; }

    public Histogram<double> TimeToFirstToken { get; }

    public Counter<long> CircuitTransitions { get; }

    public ObservableGauge<int> CircuitState { get; }

    /// <summary>Observes each enabled provider's breaker state for the <c>flexiai.circuit.state</c> gauge (no I/O: the breaker's cached state).</summary>
    public static IEnumerable<Measurement<int>> ObserveCircuits(ProviderSetHolder? sets)
    {
        if (sets is null)
        {
            return [];
        }

        var providers = sets.Current.Ordered;
        var measurements = new Measurement<int>[providers.Length];
        for (var i = 0; i < providers.Length; i++)
        {
            var provider = providers[i];
            var state = provider.Breaker.Snapshot.State;
            measurements[i] = new Measurement<int>(state switch { FlexiAI.CircuitState.Open => 2, FlexiAI.CircuitState.HalfOpen => 1, _ => 0 },
                new KeyValuePair<string, object?>(TelemetryTags.Provider, provider.Name),
                new KeyValuePair<string, object?>(TelemetryTags.ProviderName, TelemetryTags.GenAIProvider(provider.Options.EffectiveType)));
        }

        return measurements;
    }

    public void Dispose()
    {
        Meter.Dispose();
        Source.Dispose();
    }
}
