namespace FlexiAI;

/// <summary>
/// A client-side rate limit on one provider (<c>providers[i].rate_limit</c>, or the top-level <c>rate_limit</c> for every provider
/// without its own): over the limit, the provider is skipped and the request goes to the next one — not failed, not retried against
/// it, not counted toward its breaker — or, with <see cref="MaxWait"/>, waits up to that long for room.
/// </summary>
/// <remarks>
/// Limits are sliding one-minute windows. Per process by default (a segmented sliding window on the client's TimeProvider); shared exactly by a fleet when
/// <c>circuit_breaker.store</c> names a shared store (FlexiAI.Redis). Tokens are reserved from the request's estimated input plus
/// its <c>MaxOutputTokens</c> and corrected to the usage the provider reports when the attempt ends (an attempt that reports no
/// usage keeps its estimate).
/// </remarks>
public sealed class RateLimitOptions
{
    /// <summary>Gets or sets the most requests sent to the provider in any 60 seconds; <see langword="null"/> for no request limit.</summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Gets or sets the most tokens used in any 60 seconds (reserved as estimated input plus requested output, corrected to actual usage); <see langword="null"/> for no token limit.</summary>
    public int? TokensPerMinute { get; set; }

    /// <summary>Gets or sets how long a request may wait for room before the provider is skipped; zero (the default) skips at once.</summary>
    public TimeSpan MaxWait { get; set; }

    /// <summary>Returns a copy of these options.</summary>
    /// <returns>The copy.</returns>
    public RateLimitOptions Clone() => new() { RequestsPerMinute = RequestsPerMinute, TokensPerMinute = TokensPerMinute, MaxWait = MaxWait };

    /// <summary>Describes the limit (e.g. <c>60 requests/min, 100000 tokens/min</c>).</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        var parts = new List<string>(2);
        if (RequestsPerMinute is { } r)
        {
            parts.Add(FormattableString.Invariant($"{r} requests/min"));
        }

        if (TokensPerMinute is { } t)
        {
            parts.Add(FormattableString.Invariant($"{t} tokens/min"));
        }

        return parts.Count == 0 ? "no limit" : string.Join(", ", parts);
    }
}
