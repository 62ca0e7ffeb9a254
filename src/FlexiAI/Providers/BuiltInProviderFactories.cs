namespace FlexiAI;

/// <summary>The provider factories that ship with FlexiAI, keyed by type.</summary>
internal static class BuiltInProviderFactories
{
    private static readonly ProviderFactory[] Factories = [new OpenAIProviderFactory(), new AnthropicProviderFactory(), new VertexAIProviderFactory()];

    public static ProviderFactory? Find(string type) =>
        Array.Find(Factories, f => string.Equals(f.Type, type, StringComparison.OrdinalIgnoreCase));
}
