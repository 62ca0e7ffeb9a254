using System.Collections.Concurrent;

namespace FlexiAI;

/// <summary>
/// The always-on metrics snapshot behind <see cref="FlexiAIClient.GetMetrics"/>: exact totals in <see cref="Interlocked"/>
/// counters, and per provider a <see cref="WindowedStats"/> ring for success rates and percentiles. Recording takes no lock
/// (but once per slot width, to clear a slot) and allocates nothing after a provider's first attempt; memory does not grow
/// with traffic.
/// </summary>
internal sealed class MetricsAggregator(TimeProvider time, TimeSpan window) : RequestEventSubscriber
{
    private const int MessageLength = 200;
    private static readonly int CategoryCount = Enum.GetValues<ErrorCategory>().Length;

    private State _state = new(time.GetUtcNow());

    public TimeSpan Window => window;

    private long Frequency => time.TimestampFrequency;

    public override bool Wants(RequestEventKinds kind) =>
        (kind & (RequestEventKinds.AttemptSucceeded | RequestEventKinds.AttemptFailed | RequestEventKinds.AttemptCancelled | RequestEventKinds.ProviderSkipped
            | RequestEventKinds.FailedOver | RequestEventKinds.CircuitChanged | RequestEventKinds.RequestCompleted | RequestEventKinds.StreamAbandoned | RequestEventKinds.CacheLookup)) != 0;

    /// <summary>Forgets everything counted so far; counting starts again now.</summary>
    public void Reset() => Volatile.Write(ref _state, new State(time.GetUtcNow()));

    public override ValueTask OnAttemptSucceededAsync(AttemptSucceeded e, CancellationToken cancellationToken)
    {
        var state = Volatile.Read(ref _state);
        var p = state.For(e.Provider, this);
        Interlocked.Increment(ref p.Requests);
        Interlocked.Increment(ref p.Successes);
        p.Window.RecordSuccess(time.GetTimestamp(), e.Latency, e.TimeToFirstToken);
        Interlocked.Increment(ref state.Requests);
        Interlocked.Increment(ref state.Succeeded);
        if (e.Usage is { } usage)
        {
            if (usage.InputTokenCount is { } input)
            {
                Interlocked.Add(ref p.InputTokens, input);
                Interlocked.Add(ref state.InputTokens, input);
            }

            if (usage.OutputTokenCount is { } output)
            {
                Interlocked.Add(ref p.OutputTokens, output);
                Interlocked.Add(ref state.OutputTokens, output);
            }
        }

        return default;
    }

    public override ValueTask OnAttemptFailedAsync(AttemptFailed e, CancellationToken cancellationToken)
    {
        var p = Volatile.Read(ref _state).For(e.Provider, this);
        var error = e.Error;
        Interlocked.Increment(ref p.Requests);
        Interlocked.Increment(ref p.Failures);
        Interlocked.Increment(ref p.ByCategory[(int)error.Category]);
        if (e.Decision.Kind == AttemptDecisionKind.Retry)
        {
            Interlocked.Increment(ref p.Retries);
        }

        p.Window.RecordFailure(time.GetTimestamp());
        var message = error.ProviderMessage.Length > MessageLength ? string.Concat(error.ProviderMessage.AsSpan(0, MessageLength - 1), "…") : error.ProviderMessage;
        Volatile.Write(ref p.LastError, new ProviderLastError(error.Category, error.StatusCode, time.GetUtcNow(), message));
        return default;
    }

    public override ValueTask OnAttemptCancelledAsync(AttemptCancelled e, CancellationToken cancellationToken)
    {
        var p = Volatile.Read(ref _state).For(e.Provider, this);
        Interlocked.Increment(ref p.Requests);
        Interlocked.Increment(ref p.Cancelled);
        return default;
    }

    public override ValueTask OnProviderSkippedAsync(ProviderSkipped e, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Volatile.Read(ref _state).For(e.Provider, this).Skips);
        return default;
    }

    public override ValueTask OnFailedOverAsync(FailedOver e, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Volatile.Read(ref _state).Failovers);
        return default;
    }

    public override ValueTask OnCircuitChangedAsync(CircuitChanged e, CancellationToken cancellationToken)
    {
        if (e.Change.To == CircuitState.Open && Volatile.Read(ref _state).Providers.TryGetValue(e.Change.Provider, out var p))
        {
            Interlocked.Increment(ref p.BreakerTrips);
        }
        else if (e.Change.To == CircuitState.Open)
        {
            // A trip before the provider's first attempt (e.g. by hand): count it under its name.
            var state = Volatile.Read(ref _state);
            var counters = state.Providers.GetOrAdd(e.Change.Provider, static (_, a) => new ProviderCounters(a.Window, a.Frequency), this);
            Interlocked.Increment(ref counters.BreakerTrips);
        }

        return default;
    }

    public override ValueTask OnRequestCompletedAsync(RequestCompleted e, CancellationToken cancellationToken)
    {
        if (e.Error is { } error)
        {
            var state = Volatile.Read(ref _state);
            Interlocked.Increment(ref state.Requests);
            if (error is OperationCanceledException && e.Request.CallerToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref state.Cancelled);
            }
            else
            {
                Interlocked.Increment(ref state.Failed);
            }
        }

        return default;
    }

    public override ValueTask OnStreamAbandonedAsync(StreamAbandoned e, CancellationToken cancellationToken)
    {
        // The request ends here (no other completion is reported for it): counted once, as the caller's doing.
        var state = Volatile.Read(ref _state);
        var p = state.For(e.Provider, this);
        Interlocked.Increment(ref p.Requests);
        Interlocked.Increment(ref state.Requests);
        if (e.Cancelled)
        {
            Interlocked.Increment(ref p.Cancelled);
            Interlocked.Increment(ref state.Cancelled);
        }
        else
        {
            Interlocked.Increment(ref p.Abandoned);
            Interlocked.Increment(ref state.Abandoned);
        }

        return default;
    }

    public override ValueTask OnCacheLookupAsync(CacheLookedUp e, CancellationToken cancellationToken)
    {
        var state = Volatile.Read(ref _state);
        switch (e.Result)
        {
            case CacheLookupResult.Hit:
                Interlocked.Increment(ref state.CacheHits);
                break;
            case CacheLookupResult.Miss:
                Interlocked.Increment(ref state.CacheMisses);
                break;
            case CacheLookupResult.Bypass:
                Interlocked.Increment(ref state.CacheBypasses);
                break;
            default:
                Interlocked.Increment(ref state.CacheStoreErrors);
                break;
        }

        return default;
    }

    /// <summary>Builds a snapshot for the given providers (in routing order), with their current breaker states.</summary>
    public MetricsSnapshot Snapshot(IReadOnlyList<ProviderStatus> providers)
    {
        var state = Volatile.Read(ref _state);
        var now = time.GetTimestamp();
        var latency = new long[LatencyBins.Count];
        var firstToken = new long[LatencyBins.Count];
        var list = new List<ProviderMetrics>(providers.Count);
        foreach (var status in providers)
        {
            if (!state.Providers.TryGetValue(status.Name, out var p))
            {
                list.Add(new ProviderMetrics { Name = status.Name, Type = status.Type, Model = status.Model, CircuitState = status.State });
                continue;
            }

            var (successes, failures, firstTokens) = p.Window.Read(now, latency, firstToken);
            var ended = successes + failures;
            var byCategory = new Dictionary<ErrorCategory, long>();
            for (var i = 0; i < p.ByCategory.Length; i++)
            {
                var n = Volatile.Read(ref p.ByCategory[i]);
                if (n > 0)
                {
                    byCategory[(ErrorCategory)i] = n;
                }
            }

            list.Add(new ProviderMetrics
            {
                Name = status.Name,
                Type = status.Type,
                Model = status.Model,
                CircuitState = status.State,
                Requests = Volatile.Read(ref p.Requests),
                Successes = Volatile.Read(ref p.Successes),
                Failures = Volatile.Read(ref p.Failures),
                Cancelled = Volatile.Read(ref p.Cancelled),
                Abandoned = Volatile.Read(ref p.Abandoned),
                FailuresByCategory = byCategory,
                Skips = Volatile.Read(ref p.Skips),
                Retries = Volatile.Read(ref p.Retries),
                BreakerTrips = Volatile.Read(ref p.BreakerTrips),
                InputTokens = Volatile.Read(ref p.InputTokens),
                OutputTokens = Volatile.Read(ref p.OutputTokens),
                WindowRequests = ended,
                SuccessRate = ended == 0 ? null : (double)successes / ended,
                Latency = Percentiles(latency, successes),
                TimeToFirstToken = Percentiles(firstToken, firstTokens),
                LastError = Volatile.Read(ref p.LastError),
            });
        }

        return new MetricsSnapshot
        {
            CapturedAt = time.GetUtcNow(),
            Since = state.Since,
            Window = window,
            Requests = Volatile.Read(ref state.Requests),
            Succeeded = Volatile.Read(ref state.Succeeded),
            Failed = Volatile.Read(ref state.Failed),
            Cancelled = Volatile.Read(ref state.Cancelled),
            Abandoned = Volatile.Read(ref state.Abandoned),
            Failovers = Volatile.Read(ref state.Failovers),
            InputTokens = Volatile.Read(ref state.InputTokens),
            OutputTokens = Volatile.Read(ref state.OutputTokens),
            CacheHits = Volatile.Read(ref state.CacheHits),
            CacheMisses = Volatile.Read(ref state.CacheMisses),
            CacheBypasses = Volatile.Read(ref state.CacheBypasses),
            CacheStoreErrors = Volatile.Read(ref state.CacheStoreErrors),
            Providers = list,
        };
    }

    private static LatencyPercentiles? Percentiles(long[] bins, long count) =>
        count == 0 ? null : new LatencyPercentiles(count, LatencyBins.Percentile(bins, count, 0.50), LatencyBins.Percentile(bins, count, 0.95), LatencyBins.Percentile(bins, count, 0.99));

    /// <summary>Everything counted since the last reset; a reset swaps in a new one.</summary>
    private sealed class State(DateTimeOffset since)
    {
#pragma warning disable SA1401, CA1051 // Fields, so they can be incremented with Interlocked.
        public long Requests;
        public long Succeeded;
        public long Failed;
        public long Cancelled;
        public long Abandoned;
        public long Failovers;
        public long InputTokens;
        public long OutputTokens;
        public long CacheHits;
        public long CacheMisses;
        public long CacheBypasses;
        public long CacheStoreErrors;
#pragma warning restore SA1401, CA1051

        public DateTimeOffset Since => since;

        public ConcurrentDictionary<string, ProviderCounters> Providers { get; } = new(StringComparer.OrdinalIgnoreCase);

        public ProviderCounters For(RoutedProvider provider, MetricsAggregator owner) =>
            Providers.TryGetValue(provider.Name, out var p) ? p : Providers.GetOrAdd(provider.Name, static (_, a) => new ProviderCounters(a.Window, a.Frequency), owner);
    }

    private sealed class ProviderCounters(TimeSpan window, long frequency)
    {
#pragma warning disable SA1401, CA1051 // Fields, so they can be incremented with Interlocked.
        public readonly long[] ByCategory = new long[CategoryCount];
        public readonly WindowedStats Window = new(window, frequency);
        public long Requests;
        public long Successes;
        public long Failures;
        public long Cancelled;
        public long Abandoned;
        public long Skips;
        public long Retries;
        public long BreakerTrips;
        public long InputTokens;
        public long OutputTokens;
        public ProviderLastError? LastError;
#pragma warning restore SA1401, CA1051
    }
}
