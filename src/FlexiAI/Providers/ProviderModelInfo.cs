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
    bool SupportsJsonOutput)
{
    /// <summary>
    /// Gets the date the provider retires the model (its end of life), when the provider's official SDK lists the model as
    /// deprecated; <see langword="null"/> for a current or unknown model. On and after this date requests to the model fail.
    /// </summary>
    public DateOnly? RetiresOn { get; init; }

    /// <summary>Gets the model the provider's SDK suggests migrating to, when the model is deprecated and the SDK names one.</summary>
    public string? Replacement { get; init; }

    /// <summary>Describes a model FlexiAI knows nothing about: no limits, every capability assumed.</summary>
    /// <param name="model">The model name.</param>
    /// <returns>The description.</returns>
    internal static ProviderModelInfo Unknown(string model) =>
        new(model, ContextWindow: null, MaxOutputTokens: null, SupportsTools: true, SupportsStreaming: true, SupportsJsonOutput: true);
}
