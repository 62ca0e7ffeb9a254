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
}
