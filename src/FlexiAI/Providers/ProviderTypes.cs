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

    /// <summary>Azure OpenAI (Microsoft Foundry) deployments, by API key or Microsoft Entra ID.</summary>
    public const string AzureOpenAI = "azure_openai";

    /// <summary>Any server that speaks OpenAI Chat Completions (vLLM, LM Studio, llama.cpp, Groq, Together, DeepSeek, Mistral…), with declared capabilities.</summary>
    public const string OpenAICompatible = "openai_compatible";

    /// <summary>A local or self-hosted Ollama server.</summary>
    public const string Ollama = "ollama";

    /// <summary>Google's Gemini API with an API key (not Vertex AI).</summary>
    public const string Gemini = "gemini";

    /// <summary>Gets the built-in provider types.</summary>
    public static IReadOnlyList<string> BuiltIn { get; } = [OpenAI, Anthropic, VertexAI, AzureOpenAI, OpenAICompatible, Ollama, Gemini];
}
