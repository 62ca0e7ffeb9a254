namespace FlexiAI;

/// <summary>
/// The persisted state of one provider's circuit breaker, as an <see cref="ICircuitStateStore"/> holds it.
/// Immutable; every change produces a new entry whose <see cref="Version"/> is one higher.
/// </summary>
/// <param name="State">The breaker state.</param>
/// <param name="ConsecutiveFailures">Consecutive counted failures since the last success or reset.</param>
/// <param name="OpenedAt">When the breaker last opened, if it is open or half-open.</param>
/// <param name="NextProbeAt">When an open breaker lets its probe through.</param>
/// <param name="ProbeLeaseUntil">While half-open: until when the in-flight probe holds the single slot; <see langword="null"/> when the slot is free.</param>
/// <param name="LastErrorCategory">The category of the last counted failure.</param>
/// <param name="Version">A counter that grows with every change, for compare-and-swap.</param>
public sealed record CircuitStateEntry(
    CircuitState State,
    int ConsecutiveFailures,
    DateTimeOffset? OpenedAt,
    DateTimeOffset? NextProbeAt,
    DateTimeOffset? ProbeLeaseUntil,
    ErrorCategory? LastErrorCategory,
    long Version)
{
    /// <summary>Gets the state of a breaker that has never failed.</summary>
    public static CircuitStateEntry Initial { get; } = new(CircuitState.Closed, 0, null, null, null, null, 0);
}
