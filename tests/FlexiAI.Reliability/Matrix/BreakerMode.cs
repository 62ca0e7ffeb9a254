namespace FlexiAI.Reliability.Matrix;

/// <summary>
/// A breaker configuration the fault matrix runs under (issue 14): the breaker settings and the retry strategy of a mode or
/// preset, applied over a cell's own settings (attempts, Retry-After cap, timeouts, mid-stream policy stay the cell's).
/// None of them opens a breaker within a cell's two calls (threshold 100; ratio needs 20 calls), so the cells check the fault
/// handling each mode keeps — classification, retry or fail over, what counts — not the opening, which the unit tests cover.
/// </summary>
/// <param name="Name">The mode's name (the command's argument, the theory row's suffix).</param>
/// <param name="Apply">Sets the mode's breaker settings and retry strategy on a cell's options.</param>
public sealed record BreakerMode(string Name, Action<FlexiAIOptions> Apply)
{
    /// <summary>Today's default shape, the matrix's reference mode (the generated doc table is this one).</summary>
    public static readonly BreakerMode Consecutive = new("consecutive", o => o.CircuitBreaker.FailureThreshold = 100);

    public static readonly IReadOnlyList<BreakerMode> All =
    [
        Consecutive,
        new("ratio", o => o.CircuitBreaker.Mode = CircuitBreakerMode.Ratio),
        new("panic", o =>
        {
            o.CircuitBreaker.Mode = CircuitBreakerMode.Ratio;
            o.CircuitBreaker.AllOpen = AllOpenPolicy.Panic;
        }),
        new("balanced", o => FromPreset(o, ConfigurationPreset.Balanced)),
        new("reliable", o => FromPreset(o, ConfigurationPreset.Reliable)),
    ];

    /// <summary>Gets a value indicating whether the mode's breaker works on a failure ratio (then the store keeps no consecutive tally while closed).</summary>
    public bool Ratio => Probe().CircuitBreaker.Mode == CircuitBreakerMode.Ratio;

    /// <summary>Gets a value indicating whether the mode fails over before retrying in place.</summary>
    public bool FailoverFirst => Probe().Retry.Strategy == RetryStrategy.FailoverFirst;

    public static BreakerMode Find(string name) =>
        All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"'{name}' is not a breaker mode; use one of {string.Join(", ", All.Select(m => m.Name))}.", nameof(name));

    private FlexiAIOptions Probe()
    {
        var options = new FlexiAIOptions();
        Apply(options);
        return options;
    }

    // A preset's breaker section and retry strategy only: its attempts, delays and timeouts would change what the cell tests.
    private static void FromPreset(FlexiAIOptions options, ConfigurationPreset preset)
    {
        var reference = new FlexiAIOptions();
        reference.ApplyPreset(preset);
        options.CircuitBreaker = reference.CircuitBreaker.Clone();
        options.Retry.Strategy = reference.Retry.Strategy;
    }
}
