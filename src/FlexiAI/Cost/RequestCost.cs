using System.Globalization;

namespace FlexiAI;

/// <summary>
/// What a request cost in US dollars, from the tokens the providers reported and the prices in force: uncached input,
/// cached input read and written, output, and what failed attempts the providers billed (e.g. a stream cut after part of
/// its output) added. On the route report (<see cref="RouteReport.Cost"/>) and the after-response hook.
/// </summary>
/// <remarks>Amounts are exact to the pico-dollar (10⁻¹² USD) of the formula <c>tokens × price per million / 1,000,000</c>.</remarks>
public sealed class RequestCost
{
    private const decimal PicoPerDollar = 1_000_000_000_000m;
    private readonly long _input;
    private readonly long _cachedInput;
    private readonly long _cacheWrite;
    private readonly long _output;
    private readonly long _failed;

    internal RequestCost(string pricedAs, long inputPico, long cachedInputPico, long cacheWritePico, long outputPico, long failedAttemptsPico)
    {
        PricedAs = pricedAs;
        _input = inputPico;
        _cachedInput = cachedInputPico;
        _cacheWrite = cacheWritePico;
        _output = outputPico;
        _failed = failedAttemptsPico;
    }

    /// <summary>Gets the pricing table's name of the model that answered (or the last billed one).</summary>
    public string PricedAs { get; }

    /// <summary>Gets the cost of uncached input tokens of the answering attempt.</summary>
    public decimal Input => _input / PicoPerDollar;

    /// <summary>Gets the cost of input tokens read from the prompt cache.</summary>
    public decimal CachedInput => _cachedInput / PicoPerDollar;

    /// <summary>Gets the cost of input tokens written to the prompt cache.</summary>
    public decimal CacheWrite => _cacheWrite / PicoPerDollar;

    /// <summary>Gets the cost of output tokens.</summary>
    public decimal Output => _output / PicoPerDollar;

    /// <summary>Gets what failed attempts cost when their provider billed them and reported usage (included in <see cref="Total"/>).</summary>
    public decimal FailedAttempts => _failed / PicoPerDollar;

    /// <summary>Gets the whole request's cost.</summary>
    public decimal Total => TotalPico / PicoPerDollar;

    internal long TotalPico => _input + _cachedInput + _cacheWrite + _output + _failed;

    internal long FailedPico => _failed;

    /// <inheritdoc/>
    public override string ToString() => Total.ToString("$0.000000", CultureInfo.InvariantCulture);
}
