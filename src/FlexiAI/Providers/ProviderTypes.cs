namespace FlexiAI;

/// <summary>The provider types FlexiAI knows by name.</summary>
public static class ProviderTypes
{
    /// <summary>OpenAI's Chat Completions API (and OpenAI-compatible servers).</summary>
    public const string OpenAI = "openai";

    /// <summary>Anthropic's Messages API (Claude).</summary>
    public const string Anthropic = "anthropic";

    /// <summary>Google Vertex AI's Gemini API.</summary>
    public const string VertexAI = "vertexai";

    /// <summary>Gets the built-in provider types.</summary>
    public static IReadOnlyList<string> BuiltIn { get; } = [OpenAI, Anthropic, VertexAI];
}
