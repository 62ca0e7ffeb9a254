namespace FlexiAI;

/// <summary>The provider factories that ship with FlexiAI, and the lookup of a type among custom and built-in factories.</summary>
internal static class BuiltInProviderFactories
{
    /// <summary>
    /// Gets the built-in factories: the plan's three in its failover order (OpenAI, Vertex AI, Anthropic), then Azure OpenAI,
    /// the Gemini API, Ollama and OpenAI-compatible servers.
    /// </summary>
    public static IReadOnlyList<ProviderFactory> All { get; } =
    [
        new OpenAIProviderFactory(), new VertexAIProviderFactory(), new AnthropicProviderFactory(),
        new AzureOpenAIProviderFactory(), new GeminiProviderFactory(), new OllamaProviderFactory(), new OpenAICompatibleProviderFactory(),
    ];

    /// <summary>Gets an example provider entry for configuration hints, from the first built-in factory, e.g. <c>{ "name": "openai", "model": "…" }</c>.</summary>
    public static string ExampleProviderJson { get; } = $"{{ \"name\": \"{All[0].Type}\", \"model\": \"{All[0].ExampleModel}\" }}";

    /// <summary>Gets the example model of a type's built-in factory, for hints; <see langword="null"/> when the type has none.</summary>
    public static string? ExampleModel(string type) => Find(type)?.ExampleModel;

    /// <summary>Finds the built-in factory for <paramref name="type"/> (case-insensitive).</summary>
    public static ProviderFactory? Find(string type) => Find(type, custom: null);

    /// <summary>Finds the factory for <paramref name="type"/>: a custom one first, then a built-in one.</summary>
    public static ProviderFactory? Find(string type, IEnumerable<ProviderFactory>? custom)
    {
        if (string.IsNullOrWhiteSpace(type))
        {
            return null;
        }

        if (custom is not null)
        {
            foreach (var factory in custom)
            {
                if (factory is not null && string.Equals(factory.Type, type, StringComparison.OrdinalIgnoreCase))
                {
                    return factory;
                }
            }
        }

        foreach (var factory in All)
        {
            if (string.Equals(factory.Type, type, StringComparison.OrdinalIgnoreCase))
            {
                return factory;
            }
        }

        return null;
    }
}
