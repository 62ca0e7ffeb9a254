namespace FlexiAI;

/// <summary>
/// A <see cref="ModelPrice"/> in integer pico-dollars per token (USD per million tokens × 10⁶), so the success path
/// prices a request with a few integer multiplications: exact, and without decimal arithmetic.
/// </summary>
internal sealed class PriceRates
{
    private const decimal PicoPerTokenPerDollarPerMillion = 1_000_000m;

    private PriceRates(string pricedAs, long input, long output, long cacheRead, long cacheWrite, (long Above, PriceRates Rates)[] tiers)
    {
        PricedAs = pricedAs;
        Input = input;
        Output = output;
        CacheRead = cacheRead;
        CacheWrite = cacheWrite;
        Tiers = tiers;
    }

    public string PricedAs { get; }

    public long Input { get; }

    public long Output { get; }

    public long CacheRead { get; }

    public long CacheWrite { get; }

    /// <summary>Gets the tiers, lowest threshold first.</summary>
    public (long Above, PriceRates Rates)[] Tiers { get; }

    public static PriceRates From(ModelPrice price) =>
        new(price.Model, Pico(price.InputPerMillion), Pico(price.OutputPerMillion),
            Pico(price.CachedInputPerMillion ?? price.InputPerMillion), Pico(price.CacheWritePerMillion ?? price.InputPerMillion),
            [.. price.Tiers.Select(t => (t.AboveInputTokens, new PriceRates(price.Model, Pico(t.InputPerMillion), Pico(t.OutputPerMillion),
                Pico(t.CachedInputPerMillion ?? t.InputPerMillion), Pico(t.CacheWritePerMillion ?? t.InputPerMillion), [])))]);

    /// <summary>Gets the rates for a request with <paramref name="inputTokens"/> input tokens (the highest tier it passes).</summary>
    public PriceRates For(long inputTokens)
    {
        var rates = this;
        var tiers = Tiers;
        for (var i = 0; i < tiers.Length; i++)
        {
            if (inputTokens > tiers[i].Above)
            {
                rates = tiers[i].Rates;
            }
        }

        return rates;
    }

    private static long Pico(decimal perMillion) => (long)decimal.Round(perMillion * PicoPerTokenPerDollarPerMillion, MidpointRounding.AwayFromZero);
}
