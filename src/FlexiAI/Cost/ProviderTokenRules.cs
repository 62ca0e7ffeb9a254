namespace FlexiAI;

/// <summary>
/// How FlexiAI reads each provider type's usage and counts its tokens for estimates: o200k for OpenAI, the documented
/// approximation for the others (see <c>docs/cost.md</c>); Gemini reports reasoning ("thoughts") apart from output.
/// </summary>
internal static class ProviderTokenRules
{
    public static (TokenCountMethod Method, bool ReasoningOutsideOutput) For(string providerType) => providerType switch
    {
        ProviderTypes.OpenAI or ProviderTypes.AzureOpenAI => (TokenCountMethod.O200k, false),
        ProviderTypes.Anthropic => (TokenCountMethod.Approximation, false),
        ProviderTypes.VertexAI or ProviderTypes.Gemini => (TokenCountMethod.Approximation, true),
        _ => (TokenCountMethod.Approximation, false),
    };
}
