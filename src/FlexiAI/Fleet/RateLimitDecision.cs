namespace FlexiAI;

/// <summary>A rate-limit store's answer.</summary>
/// <param name="Acquired">Whether the permits were taken.</param>
/// <param name="RetryAfter">When not: how long until the window has room again (an estimate; <see cref="TimeSpan.Zero"/> when unknown).</param>
public readonly record struct RateLimitDecision(bool Acquired, TimeSpan RetryAfter)
{
    /// <summary>
    /// Gets, when acquired, the store's handle of the permits taken, given back to <see cref="IRateLimitStore.CorrectAsync"/> to
    /// correct them to actual usage; zero when the store cannot correct.
    /// </summary>
    public long Reservation { get; init; }
}
