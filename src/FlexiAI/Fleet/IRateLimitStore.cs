namespace FlexiAI;

/// <summary>
/// Where client-side rate-limit permits are counted when a fleet shares them (FlexiAI.Redis provides one); without a shared
/// store each process limits itself with a sliding window of its own. Implementations must be thread-safe and atomic
/// across every process that shares the store.
/// </summary>
/// <remarks>A store that throws or hangs never fails a request: the gate falls back to its local limiter and says so once.</remarks>
public interface IRateLimitStore
{
    /// <summary>
    /// Takes <paramref name="permits"/> from the sliding one-minute window <paramref name="key"/>, which admits at most
    /// <paramref name="limitPerMinute"/> permits in any 60 seconds.
    /// </summary>
    /// <param name="key">The limit's key (provider name and what is limited, e.g. <c>openai:requests</c>).</param>
    /// <param name="permits">How many permits this call takes (1 for a request).</param>
    /// <param name="limitPerMinute">The most permits the window holds.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>Whether the permits were taken and, when not, how long until they could be.</returns>
    ValueTask<RateLimitDecision> TryAcquireAsync(string key, int permits, int limitPerMinute, CancellationToken cancellationToken);
}
