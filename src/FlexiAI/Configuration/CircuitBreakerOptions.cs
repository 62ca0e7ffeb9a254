namespace FlexiAI;

/// <summary>Circuit-breaker settings, applied to each provider's own breaker.</summary>
public sealed class CircuitBreakerOptions
{
    /// <summary>Gets or sets how many consecutive counted failures open a provider's breaker. Default 5; at least 1.</summary>
    public int FailureThreshold { get; set; } = 5;

    /// <summary>Gets or sets how long an open breaker stays open before it lets one probe through. Default 60 s.</summary>
    public TimeSpan RecoveryTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how the breaker decides to open: consecutive failures (the default) or a failure ratio over a sliding window.</summary>
    public CircuitBreakerMode Mode { get; set; } = CircuitBreakerMode.Consecutive;

    /// <summary>Gets or sets, in ratio mode, the share of counted failures among the window's calls that opens the breaker. Default 0.5; above 0 and at most 1.</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Gets or sets, in ratio mode, how many calls the window must hold before the ratio is judged. Default 20; at least 1.</summary>
    public int MinimumThroughput { get; set; } = 20;

    /// <summary>Gets or sets, in ratio mode, how far back the window looks (kept as 10 buckets). Default 30 s; between 10 ms and 1 hour.</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets a value indicating whether a request counts once toward a provider's breaker however many attempts it made there:
    /// a failure that is retried in place does not count, the request's last failure there does. Default <see langword="false"/>
    /// (every counted attempt counts, as before).
    /// </summary>
    public bool CountPerRequest { get; set; }

    /// <summary>Gets or sets what a request does when every provider's breaker is open. Default <see cref="AllOpenPolicy.Fail"/>.</summary>
    public AllOpenPolicy AllOpen { get; set; } = AllOpenPolicy.Fail;

    /// <summary>
    /// Gets or sets the largest share of a client's providers whose breakers may be open at once (Envoy's max ejection percent;
    /// at least one may always open). A breaker that would open beyond it stays closed: its provider stays in rotation, tried
    /// after every other provider until its recovery timeout has passed, and its route attempts say why. Default 1 (no cap); above 0 and at most 1.
    /// </summary>
    public double MaxOpenFraction { get; set; } = 1;

    /// <summary>
    /// Gets the plan's legacy <c>expected_exception</c> list. When non-empty, only the categories these names map to count
    /// toward the breaker (e.g. <c>APIError</c> → ServerError, Overloaded, Network, Unknown; <c>Timeout</c> → Timeout;
    /// a category name maps to itself); see <c>docs/configuration.md</c>.
    /// </summary>
    public IList<string> ExpectedExceptions { get; } = [];

    /// <summary>
    /// Gets or sets the bound on one call to the state store. Default 1 s; between 1 ms and 1 hour. A store that throws, hangs
    /// or runs past it fails open: the breaker goes on with its local view and logs one warning per outage.
    /// </summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets how often a breaker re-reads a state store that cannot push changes (one that does not implement
    /// <see cref="INotifyingCircuitStateStore"/>), so it learns within this bound that another instance opened it; also how long
    /// a failed store is left alone before it is tried again. Default 1 s; between 1 ms and 1 hour.
    /// </summary>
    public TimeSpan StoreRefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets where breaker state lives. <see langword="null"/> keeps it in this process; a shared store lets a fleet share one view. Code only.</summary>
    public ICircuitStateStore? StateStore { get; set; }

    /// <summary>
    /// Gets or sets <c>circuit_breaker.store</c>: the shared store a fleet uses for breaker state (and budget spending and rate
    /// limits), e.g. <c>redis</c> from the FlexiAI.Redis package; <see langword="null"/> keeps state in this process.
    /// Ignored when <see cref="StateStore"/> is set. Read when the client is built (a reload does not switch stores).
    /// </summary>
    public CircuitStoreOptions? Store { get; set; }

    /// <summary>Creates a copy of these options.</summary>
    /// <returns>The copy.</returns>
    public CircuitBreakerOptions Clone()
    {
        var clone = new CircuitBreakerOptions
        {
            FailureThreshold = FailureThreshold,
            RecoveryTimeout = RecoveryTimeout,
            StoreTimeout = StoreTimeout,
            StoreRefreshInterval = StoreRefreshInterval,
            StateStore = StateStore,
            Store = Store?.Clone(),
            Mode = Mode,
            FailureRatio = FailureRatio,
            MinimumThroughput = MinimumThroughput,
            SamplingDuration = SamplingDuration,
            CountPerRequest = CountPerRequest,
            AllOpen = AllOpen,
            MaxOpenFraction = MaxOpenFraction,
        };
        foreach (var name in ExpectedExceptions)
        {
            clone.ExpectedExceptions.Add(name);
        }

        return clone;
    }
}
