namespace FlexiAI;

/// <summary>A circuit breaker's change of state, reported to events, hooks and logs.</summary>
/// <param name="Provider">The provider whose breaker changed.</param>
/// <param name="From">The previous state.</param>
/// <param name="To">The new state.</param>
/// <param name="Reason">Why it changed.</param>
/// <param name="At">When it changed, by the client's <see cref="TimeProvider"/>.</param>
/// <param name="ConsecutiveFailures">Consecutive counted failures after the change.</param>
/// <param name="Category">The category of the failure that caused the change, if one did.</param>
/// <param name="NextProbeAt">When the breaker lets a probe through, if it is now open.</param>
public readonly record struct CircuitStateChange(
    string Provider,
    CircuitState From,
    CircuitState To,
    CircuitTransitionReason Reason,
    DateTimeOffset At,
    int ConsecutiveFailures,
    ErrorCategory? Category,
    DateTimeOffset? NextProbeAt);
