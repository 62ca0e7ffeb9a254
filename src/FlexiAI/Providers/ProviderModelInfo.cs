namespace FlexiAI;

/// <summary>What a provider's model can do, as far as FlexiAI knows.</summary>
/// <param name="Model">The model name.</param>
/// <param name="ContextWindow">The context window in tokens, when known.</param>
/// <param name="MaxOutputTokens">The largest output in tokens, when known.</param>
/// <param name="SupportsTools">Whether the model takes tools (function calling).</param>
/// <param name="SupportsStreaming">Whether the model streams.</param>
/// <param name="SupportsJsonOutput">Whether the model takes a JSON response format or schema.</param>
public sealed record ProviderModelInfo(
    string Model,
    int? ContextWindow,
    int? MaxOutputTokens,
    bool SupportsTools,
    bool SupportsStreaming,
    bool SupportsJsonOutput);
