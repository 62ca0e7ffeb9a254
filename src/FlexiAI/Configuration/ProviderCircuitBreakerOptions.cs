namespace FlexiAI;

/// <summary>
/// One provider's circuit-breaker overrides (a provider's <c>circuit_breaker</c> section): each setting that is set replaces
/// the client-wide <see cref="CircuitBreakerOptions"/> value for this provider's breaker only; an unset one inherits it.
/// </summary>
/// <remarks>
/// Only what shapes one breaker can be overridden. What concerns every provider at once — <see cref="CircuitBreakerOptions.AllOpen"/>,
/// <see cref="CircuitBreakerOptions.MaxOpenFraction"/>, <see cref="CircuitBreakerOptions.ExpectedExceptions"/> and the state store's
/// settings — stays client-wide.
/// </remarks>
public sealed class ProviderCircuitBreakerOptions
{
    /// <summary>Gets or sets this provider's breaker mode; <see langword="null"/> inherits <see cref="CircuitBreakerOptions.Mode"/>.</summary>
    public CircuitBreakerMode? Mode { get; set; }

    /// <summary>Gets or sets, in consecutive mode, the consecutive counted failures that open this provider's breaker (at least 1); <see langword="null"/> inherits.</summary>
    public int? FailureThreshold { get; set; }

    /// <summary>Gets or sets how long this provider's breaker stays open before its probe; <see langword="null"/> inherits.</summary>
    public TimeSpan? RecoveryTimeout { get; set; }

    /// <summary>Gets or sets, in ratio mode, the failure ratio that opens this provider's breaker (above 0, at most 1); <see langword="null"/> inherits.</summary>
    public double? FailureRatio { get; set; }

    /// <summary>Gets or sets, in ratio mode, the calls the window must hold before the ratio is judged (at least 1); <see langword="null"/> inherits.</summary>
    public int? MinimumThroughput { get; set; }

    /// <summary>Gets or sets, in ratio mode, how far back this provider's window looks (10 ms to 1 hour); <see langword="null"/> inherits.</summary>
    public TimeSpan? SamplingDuration { get; set; }

    /// <summary>Gets or sets whether a request counts once toward this provider's breaker (see <see cref="CircuitBreakerOptions.CountPerRequest"/>); <see langword="null"/> inherits.</summary>
    public bool? CountPerRequest { get; set; }

    /// <summary>Gets a value indicating whether no setting is overridden.</summary>
    public bool IsEmpty =>
        Mode is null && FailureThreshold is null && RecoveryTimeout is null && FailureRatio is null && MinimumThroughput is null && SamplingDuration is null && CountPerRequest is null;

    /// <summary>Creates a copy of these overrides.</summary>
    /// <returns>The copy.</returns>
    public ProviderCircuitBreakerOptions Clone() => new()
    {
        Mode = Mode,
        FailureThreshold = FailureThreshold,
        RecoveryTimeout = RecoveryTimeout,
        FailureRatio = FailureRatio,
        MinimumThroughput = MinimumThroughput,
        SamplingDuration = SamplingDuration,
        CountPerRequest = CountPerRequest,
    };

    /// <summary>Returns the client-wide settings with these overrides applied (a new object; <paramref name="global"/> is not changed).</summary>
    /// <param name="global">The client-wide breaker settings.</param>
    /// <returns>The effective settings of this provider's breaker.</returns>
    internal CircuitBreakerOptions ApplyTo(CircuitBreakerOptions global)
    {
        var effective = global.Clone();
        effective.Mode = Mode ?? global.Mode;
        effective.FailureThreshold = FailureThreshold ?? global.FailureThreshold;
        effective.RecoveryTimeout = RecoveryTimeout ?? global.RecoveryTimeout;
        effective.FailureRatio = FailureRatio ?? global.FailureRatio;
        effective.MinimumThroughput = MinimumThroughput ?? global.MinimumThroughput;
        effective.SamplingDuration = SamplingDuration ?? global.SamplingDuration;
        effective.CountPerRequest = CountPerRequest ?? global.CountPerRequest;
        return effective;
    }
}
