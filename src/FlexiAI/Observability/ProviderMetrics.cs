namespace FlexiAI;

/// <summary>One provider's figures in a <see cref="MetricsSnapshot"/>: exact totals since the last reset, and a sliding window for rates and percentiles.</summary>
public sealed class ProviderMetrics
{
    /// <summary>Gets the provider's name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the provider's type (e.g. <c>openai</c>).</summary>
    public required string Type { get; init; }

    /// <summary>Gets the provider's model.</summary>
    public required string Model { get; init; }

    /// <summary>Gets the provider's current circuit-breaker state (as this instance sees it).</summary>
    public CircuitState CircuitState { get; init; }

    /// <summary>Gets how many attempts were sent to the provider (successes, failures, and attempts the caller cancelled or abandoned).</summary>
    public long Requests { get; init; }

    /// <summary>Gets how many attempts succeeded.</summary>
    public long Successes { get; init; }

    /// <summary>Gets how many attempts failed (interrupted streams included).</summary>
    public long Failures { get; init; }

    /// <summary>Gets how many attempts the caller cancelled.</summary>
    public long Cancelled { get; init; }

    /// <summary>Gets how many of the provider's streams the caller stopped reading before their end without cancelling.</summary>
    public long Abandoned { get; init; }

    /// <summary>Gets the failures by error category (only categories that occurred).</summary>
    public IReadOnlyDictionary<ErrorCategory, long> FailuresByCategory { get; init; } = new Dictionary<ErrorCategory, long>();

    /// <summary>Gets how many times an admission gate (the open breaker, mostly) skipped the provider without a call.</summary>
    public long Skips { get; init; }

    /// <summary>Gets how many failed attempts were retried on this provider.</summary>
    public long Retries { get; init; }

    /// <summary>Gets how many times the provider's breaker opened.</summary>
    public long BreakerTrips { get; init; }

    /// <summary>Gets the input tokens of the provider's successful attempts.</summary>
    public long InputTokens { get; init; }

    /// <summary>Gets the output tokens of the provider's successful attempts.</summary>
    public long OutputTokens { get; init; }

    /// <summary>Gets the attempts that ended (succeeded or failed) within the window.</summary>
    public long WindowRequests { get; init; }

    /// <summary>Gets the share of attempts that succeeded within the window (0–1), or <see langword="null"/> when there were none.</summary>
    public double? SuccessRate { get; init; }

    /// <summary>Gets the latency percentiles of successful attempts within the window, or <see langword="null"/> when there were none.</summary>
    public LatencyPercentiles? Latency { get; init; }

    /// <summary>Gets the time-to-first-token percentiles of successful streams within the window, or <see langword="null"/> when there were none.</summary>
    public LatencyPercentiles? TimeToFirstToken { get; init; }

    /// <summary>Gets the provider's most recent failure, or <see langword="null"/>.</summary>
    public ProviderLastError? LastError { get; init; }
}
