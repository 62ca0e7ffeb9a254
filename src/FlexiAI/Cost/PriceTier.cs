namespace FlexiAI;

/// <summary>
/// Higher prices a provider charges for a whole request once its input passes a number of tokens (e.g. Gemini Pro
/// above 200,000 tokens). Prices are US dollars per million tokens.
/// </summary>
/// <param name="AboveInputTokens">The tier applies when the request's input tokens (cached ones included) exceed this number.</param>
/// <param name="InputPerMillion">The price of uncached input tokens.</param>
/// <param name="OutputPerMillion">The price of output tokens.</param>
/// <param name="CachedInputPerMillion">The price of input tokens read from the provider's prompt cache; <see langword="null"/> when the provider has none.</param>
/// <param name="CacheWritePerMillion">The price of input tokens written to the provider's prompt cache; <see langword="null"/> when the provider does not charge extra for it.</param>
public sealed record PriceTier(long AboveInputTokens, decimal InputPerMillion, decimal OutputPerMillion, decimal? CachedInputPerMillion = null, decimal? CacheWritePerMillion = null);
