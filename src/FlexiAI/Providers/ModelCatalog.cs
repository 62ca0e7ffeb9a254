namespace FlexiAI;

/// <summary>What FlexiAI knows about well-known models (context window, output limit, capabilities).</summary>
internal static class ModelCatalog
{
    private static readonly (string Prefix, int Context, int MaxOutput)[] Known =
    [
        ("gpt-4.1", 1_047_576, 32_768),
        ("gpt-4o", 128_000, 16_384),
        ("gpt-4-turbo", 128_000, 4_096),
        ("o3", 200_000, 100_000),
        ("o4-mini", 200_000, 100_000),
        ("claude-sonnet-4", 1_000_000, 64_000),
        ("claude-opus-4", 200_000, 32_000),
        ("claude-3-7-sonnet", 200_000, 64_000),
        ("claude-3-5-haiku", 200_000, 8_192),
        ("claude-3-5-sonnet", 200_000, 8_192),
        ("claude-3", 200_000, 4_096),
        ("gemini-2.5", 1_048_576, 65_536),
        ("gemini-2.0", 1_048_576, 8_192),
        ("gemini-1.5", 1_048_576, 8_192),
    ];

    public static ProviderModelInfo Describe(string model)
    {
        foreach (var (prefix, context, maxOutput) in Known)
        {
            if (model.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return new ProviderModelInfo(model, context, maxOutput, SupportsTools: true, SupportsStreaming: true, SupportsJsonOutput: true);
            }
        }

        return new ProviderModelInfo(model, ContextWindow: null, MaxOutputTokens: null, SupportsTools: true, SupportsStreaming: true, SupportsJsonOutput: true);
    }
}
