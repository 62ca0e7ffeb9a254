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

    /// <summary>
    /// Corrects permits taken by <see cref="TryAcquireAsync"/> to what was really used (tokens are reserved from an estimate and
    /// corrected from the usage the provider reported): the window then holds <paramref name="actual"/> instead of
    /// <paramref name="reserved"/> for that reservation, for the rest of its minute. Called off the request's path (the gate
    /// does not wait for it); a store that cannot correct keeps the reservation (the default).
    /// </summary>
    /// <param name="key">The limit's key, as given to <see cref="TryAcquireAsync"/>.</param>
    /// <param name="reservation">The <see cref="RateLimitDecision.Reservation"/> of the acquisition.</param>
    /// <param name="reserved">The permits that acquisition took.</param>
    /// <param name="actual">The permits really used (zero or more).</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>A task that completes when the correction is written.</returns>
    ValueTask CorrectAsync(string key, long reservation, int reserved, int actual, CancellationToken cancellationToken) => default;

    /// <summary>Reads how many permits the window <paramref name="key"/> holds now (taken in the last 60 seconds), for status.</summary>
    /// <param name="key">The limit's key.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>The permits in the window, or <see langword="null"/> when this store cannot tell (the default).</returns>
    ValueTask<long?> GetUsedAsync(string key, CancellationToken cancellationToken) => new((long?)null);
}
