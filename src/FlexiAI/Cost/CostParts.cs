using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>A priced usage, in pico-dollars: uncached input, cached input read, cache write, output.</summary>
internal readonly record struct CostParts(long Input, long CacheRead, long CacheWrite, long Output)
{
    private static readonly string[] CacheWriteKeys = ["CacheCreationInputTokens", "cache_creation_input_tokens", "CacheWriteInputTokens", "InputCacheWriteTokenCount"];

    public long Total => Input + CacheRead + CacheWrite + Output;

    /// <summary>
    /// Prices <paramref name="usage"/>: <c>InputTokenCount</c> holds every input token, cached ones included (as OpenAI's
    /// <c>prompt_tokens</c> and Gemini's <c>promptTokenCount</c> do); cache reads are <c>CachedInputTokenCount</c>, cache writes
    /// an additional count (<c>CacheCreationInputTokens</c>); the tier is chosen by the whole input.
    /// </summary>
    /// <returns><see langword="false"/> when the usage reports no token counts (the cost is unknown).</returns>
    public static bool TryCompute(PriceRates baseRates, UsageDetails? usage, bool reasoningOutsideOutput, out CostParts parts)
    {
        if (usage is null || (usage.InputTokenCount is null && usage.OutputTokenCount is null))
        {
            parts = default;
            return false;
        }

        var input = usage.InputTokenCount ?? 0;
        var cached = usage.CachedInputTokenCount ?? 0;
        var written = CacheWritten(usage);
        var output = usage.OutputTokenCount ?? 0;
        if (reasoningOutsideOutput)
        {
            output += usage.ReasoningTokenCount ?? 0;
        }

        var rates = baseRates.For(input);
        var uncached = input - cached - written;
        if (uncached < 0)
        {
            uncached = 0;
        }

        parts = new CostParts(uncached * rates.Input, cached * rates.CacheRead, written * rates.CacheWrite, output * rates.Output);
        return true;
    }

    private static long CacheWritten(UsageDetails usage)
    {
        if (usage.AdditionalCounts is not { Count: > 0 } counts)
        {
            return 0;
        }

        foreach (var key in CacheWriteKeys)
        {
            if (counts.TryGetValue(key, out var value))
            {
                return value;
            }
        }

        return 0;
    }
}
