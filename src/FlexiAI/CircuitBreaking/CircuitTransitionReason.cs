namespace FlexiAI;

/// <summary>Why a circuit breaker changed state.</summary>
public enum CircuitTransitionReason
{
    /// <summary>Consecutive counted failures reached the threshold (closed → open).</summary>
    FailureThresholdReached,

    /// <summary>The recovery timeout passed and a probe was let through (open → half-open).</summary>
    RecoveryTimeoutElapsed,

    /// <summary>The half-open probe succeeded (half-open → closed).</summary>
    ProbeSucceeded,

    /// <summary>The half-open probe failed (half-open → open).</summary>
    ProbeFailed,

    /// <summary>The breaker was tripped by hand.</summary>
    ManualTrip,

    /// <summary>The breaker was reset by hand.</summary>
    ManualReset,
}
