namespace FlexiAI;

/// <summary>How a provider's circuit breaker decides to open.</summary>
public enum CircuitBreakerMode
{
    /// <summary>Open after <see cref="CircuitBreakerOptions.FailureThreshold"/> consecutive counted failures (the default; fits one instance at modest load).</summary>
    Consecutive,

    /// <summary>
    /// Open when counted failures reach <see cref="CircuitBreakerOptions.FailureRatio"/> of the calls in the last
    /// <see cref="CircuitBreakerOptions.SamplingDuration"/>, once at least <see cref="CircuitBreakerOptions.MinimumThroughput"/> calls were seen
    /// (tells a dead provider from a flaky one under concurrency).
    /// </summary>
    Ratio,
}
