namespace FlexiAI;

/// <summary>
/// The price of one model, in US dollars per million tokens, as FlexiAI applies it: input, output, cached input (read
/// and write) and tiers. Comes from the pricing table shipped with FlexiAI (<see cref="PricingTable"/>) or from
/// configuration (<see cref="PricingOptions.Models"/>).
/// </summary>
public sealed record ModelPrice
{
    /// <summary>Gets the model the price is for (the pricing table's name for it, e.g. <c>gpt-5.4</c> for <c>gpt-5.4-2026-03-05</c>).</summary>
    public required string Model { get; init; }

    /// <summary>Gets the price of uncached input tokens.</summary>
    public required decimal InputPerMillion { get; init; }

    /// <summary>Gets the price of output tokens (reasoning tokens included).</summary>
    public required decimal OutputPerMillion { get; init; }

    /// <summary>Gets the price of input tokens read from the prompt cache; <see langword="null"/> charges them as input.</summary>
    public decimal? CachedInputPerMillion { get; init; }

    /// <summary>Gets the price of input tokens written to the prompt cache; <see langword="null"/> charges them as input.</summary>
    public decimal? CacheWritePerMillion { get; init; }

    /// <summary>Gets the tiers, lowest threshold first: higher prices for a whole request whose input passes a size.</summary>
    public IReadOnlyList<PriceTier> Tiers { get; init; } = [];

    /// <summary>Gets the model's context window in tokens, when the source gives it.</summary>
    public int? ContextWindow { get; init; }

    /// <summary>Gets where the price comes from: the shipped table (with its date) or configuration.</summary>
    public string Source { get; init; } = string.Empty;
}
