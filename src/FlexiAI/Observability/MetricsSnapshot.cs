namespace FlexiAI;

/// <summary>
/// What <see cref="FlexiAIClient.GetMetrics"/> returns: request totals and per-provider figures since the client was created or
/// <see cref="FlexiAIClient.ResetMetrics"/> was last called, with success rates and percentiles over a sliding window.
/// An immutable copy: later traffic does not change it.
/// </summary>
public sealed class MetricsSnapshot
{
    /// <summary>Gets when the snapshot was taken.</summary>
    public DateTimeOffset CapturedAt { get; init; }

    /// <summary>Gets when counting started (the client's creation or the last reset).</summary>
    public DateTimeOffset Since { get; init; }

    /// <summary>Gets the sliding window for success rates and percentiles.</summary>
    public TimeSpan Window { get; init; }

    /// <summary>Gets how many requests ended (answered, failed, cancelled or abandoned).</summary>
    public long Requests { get; init; }

    /// <summary>Gets how many requests were answered.</summary>
    public long Succeeded { get; init; }

    /// <summary>Gets how many requests failed.</summary>
    public long Failed { get; init; }

    /// <summary>Gets how many requests the caller cancelled.</summary>
    public long Cancelled { get; init; }

    /// <summary>Gets how many streams the caller stopped reading before their end without cancelling (disposed the enumerator early).</summary>
    public long Abandoned { get; init; }

    /// <summary>Gets how many times a request moved from one provider to the next.</summary>
    public long Failovers { get; init; }

    /// <summary>Gets the input tokens of all answered requests.</summary>
    public long InputTokens { get; init; }

    /// <summary>Gets the output tokens of all answered requests.</summary>
    public long OutputTokens { get; init; }

    /// <summary>Gets how many requests the response cache answered (no provider called).</summary>
    public long CacheHits { get; init; }

    /// <summary>Gets how many requests the response cache did not have (or refreshed), so the providers answered.</summary>
    public long CacheMisses { get; init; }

    /// <summary>Gets how many requests skipped the response cache (bypassed by the caller, or not cacheable).</summary>
    public long CacheBypasses { get; init; }

    /// <summary>Gets how many times the response cache's distributed store (Redis) failed or timed out.</summary>
    public long CacheStoreErrors { get; init; }

    /// <summary>Gets each provider's figures, in routing order.</summary>
    public IReadOnlyList<ProviderMetrics> Providers { get; init; } = [];

    /// <summary>Writes the snapshot as JSON (snake_case names, durations in milliseconds).</summary>
    /// <param name="indented">Whether to indent the JSON.</param>
    /// <returns>The JSON text.</returns>
    public string ToJson(bool indented = true) => MetricsSnapshotJson.Write(this, indented);
}
