namespace FlexiAI;

/// <summary>Retry settings for attempts against one provider.</summary>
/// <remarks>
/// Only failures whose <see cref="ErrorPolicy.Retry"/> is set are retried. The delay before retry n (1-based) is
/// <c>InitialDelay × BackoffFactor^(n−1)</c>, capped at <see cref="MaxDelay"/>, with jitter when <see cref="UseJitter"/> is set.
/// A provider's <c>Retry-After</c> replaces the computed delay when it is at most <see cref="MaxRetryAfter"/>; above it,
/// FlexiAI fails over at once instead of sleeping.
/// </remarks>
public sealed class RetryOptions
{
    /// <summary>Gets or sets the attempts per provider, the first included. Default 3; 1 disables retries.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Gets or sets the multiplier between consecutive delays. Default 2.</summary>
    public double BackoffFactor { get; set; } = 2;

    /// <summary>Gets or sets the delay before the first retry. Default 500 ms.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Gets or sets the largest computed delay. Default 10 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the longest <c>Retry-After</c> FlexiAI sleeps for; a longer one fails over at once. Default 10 s.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets a value indicating whether delays are jittered (uniformly between half and all of the computed delay). Default <see langword="true"/>.</summary>
    public bool UseJitter { get; set; } = true;

    /// <summary>
    /// Gets or sets where a retryable failure goes: the same provider again (<see cref="RetryStrategy.InPlace"/>, the default) or
    /// the next provider at once (<see cref="RetryStrategy.FailoverFirst"/>, coming back to the failed one only when no other is left).
    /// </summary>
    public RetryStrategy Strategy { get; set; } = RetryStrategy.InPlace;

    /// <summary>Creates a copy of these options.</summary>
    /// <returns>The copy.</returns>
    public RetryOptions Clone() => (RetryOptions)MemberwiseClone();
}
