namespace FlexiAI.Emulator;

/// <summary>The wire protocol an emulated instance speaks.</summary>
public enum EmulatedProviderKind
{
    /// <summary>OpenAI Chat Completions (<c>POST {base}/chat/completions</c>, base ending in <c>/v1</c>).</summary>
    OpenAI,

    /// <summary>Anthropic Messages (<c>POST {base}/v1/messages</c>).</summary>
    Anthropic,

    /// <summary>Vertex AI Gemini (<c>POST {base}/v1/projects/…/models/{model}:generateContent</c> and <c>:streamGenerateContent?alt=sse</c>).</summary>
    VertexAI,

    /// <summary>
    /// Azure OpenAI: <c>POST {base}/openai/deployments/{deployment}/chat/completions?api-version=…</c> and the <c>v1</c> API
    /// (<c>POST {base}/openai/v1/chat/completions</c>), with an <c>api-key</c> header or an Entra ID bearer token, and Azure's
    /// content-filter and deployment-not-found error bodies.
    /// </summary>
    AzureOpenAI,

    /// <summary>An OpenAI-compatible server (<c>POST {base}/chat/completions</c>, base ending in <c>/v1</c>) with configurable <see cref="OpenAICompatibleQuirks"/>.</summary>
    OpenAICompatible,

    /// <summary>Ollama: <c>POST {base}/api/chat</c> (NDJSON streaming) and <c>GET {base}/api/tags</c>.</summary>
    Ollama,

    /// <summary>The Gemini API: <c>POST {base}/v1beta/models/{model}:generateContent</c>, <c>:streamGenerateContent?alt=sse</c>, <c>GET {base}/v1beta/models/{model}</c>; key in <c>x-goog-api-key</c>.</summary>
    Gemini,
}
