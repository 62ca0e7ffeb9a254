namespace FlexiAI;

/// <summary>The facts of one failed attempt that decide what comes next.</summary>
/// <param name="Policy">The error policy of the failure's category.</param>
/// <param name="Retryable">Whether this failure may be retried (the provider's own hint wins over the policy).</param>
/// <param name="Attempt">The 1-based attempt number against this provider.</param>
/// <param name="MaxAttempts">The provider's attempt limit.</param>
/// <param name="IsProbe">Whether the attempt was the half-open probe (a probe is never retried: its verdict is final).</param>
/// <param name="BreakerClosed">Whether the provider's breaker is still closed after recording this failure.</param>
/// <param name="RetryAfter">How long the provider asked to wait, if it said.</param>
/// <param name="Retry">The retry settings: backoff and the longest <c>Retry-After</c> worth waiting for (above it, fail over at once).</param>
/// <param name="UnitRandom">A random number in [0, 1) for the backoff's jitter (an input, so the decision stays pure).</param>
/// <param name="Remaining">The time left before the request timeout (infinite for none).</param>
/// <param name="RequestTimedOut">Whether this attempt was cut by the request timeout.</param>
/// <param name="OthersLeft">Whether another provider is still to be tried in this pass (for <see cref="RetryStrategy.FailoverFirst"/>).</param>
internal readonly record struct FailureFacts(
    ErrorPolicy Policy,
    bool Retryable,
    int Attempt,
    int MaxAttempts,
    bool IsProbe,
    bool BreakerClosed,
    TimeSpan? RetryAfter,
    RetryOptions Retry,
    double UnitRandom,
    TimeSpan Remaining,
    bool RequestTimedOut,
    bool OthersLeft = false);

/// <summary>The retry/failover decision as a pure function: no I/O, no clock; randomness comes in as a number.</summary>
internal static class RetryDecision
{
    /// <summary>Decides what follows a failed attempt.</summary>
    /// <param name="facts">The facts of the failure.</param>
    /// <returns>Retry after a delay, the next provider, or stop.</returns>
    public static AttemptDecision Decide(in FailureFacts facts)
    {
        if (facts.RequestTimedOut || facts.Remaining == TimeSpan.Zero)
        {
            return AttemptDecision.Stop(StopReason.RequestTimeout);
        }

        var mayRetry = facts.Retryable && facts.Attempt < facts.MaxAttempts && !facts.IsProbe;
        if (!facts.Policy.Failover && !mayRetry)
        {
            return AttemptDecision.Stop(StopReason.NoFailover);
        }

        if (mayRetry && facts.BreakerClosed)
        {
            if (facts.RetryAfter is { } retryAfter && retryAfter > facts.Retry.MaxRetryAfter)
            {
                return facts.Policy.Failover ? AttemptDecision.Next(aboveCap: true) : AttemptDecision.Stop(StopReason.NoFailover, aboveCap: true);
            }

            var delay = facts.RetryAfter ?? Backoff(facts.Retry, facts.Attempt, facts.UnitRandom);
            if (facts.Remaining == Timeout.InfiniteTimeSpan || delay < facts.Remaining)
            {
                // failover_first: somewhere else to go — go there now, and come back here (after the delay) only when nothing else is left.
                return facts.Retry.Strategy == RetryStrategy.FailoverFirst && facts.OthersLeft && facts.Policy.Failover
                    ? AttemptDecision.NextThenComeBack(delay)
                    : AttemptDecision.Retry(delay);
            }
        }

        return facts.Policy.Failover ? AttemptDecision.Next() : AttemptDecision.Stop(StopReason.NoFailover);
    }

    /// <summary>Computes the backoff before retry number <paramref name="failedAttempt"/> (1 = after the first failure).</summary>
    /// <param name="retry">The retry settings.</param>
    /// <param name="failedAttempt">The attempt that failed.</param>
    /// <param name="unitRandom">A random number in [0, 1), for jitter.</param>
    /// <returns>The delay: initial × factor^(n-1), capped at the maximum, then (with jitter) scaled into [50 %, 100 %].</returns>
    public static TimeSpan Backoff(RetryOptions retry, int failedAttempt, double unitRandom)
    {
        var ticks = retry.InitialDelay.Ticks * Math.Pow(retry.BackoffFactor, failedAttempt - 1);
        if (double.IsNaN(ticks) || ticks > retry.MaxDelay.Ticks)
        {
            ticks = retry.MaxDelay.Ticks;
        }

        if (retry.UseJitter)
        {
            ticks *= 0.5 + (0.5 * unitRandom);
        }

        return TimeSpan.FromTicks((long)ticks);
    }
}
