namespace FlexiAI;

/// <summary>
/// How FlexiAI reads each provider type's usage and counts its tokens for estimates. The factors scale the o200k count to
/// the provider's own tokenizer (measured on the fixture corpus in <c>tests/FlexiAI.Tests/Cost/TokenCorpus.json</c>; see
/// <c>docs/cost.md</c>).
/// </summary>
internal static class ProviderTokenRules
{
    public static (TokenCountMethod Method, double Factor, bool ReasoningOutsideOutput) For(string providerType) => providerType switch
    {
        ProviderTypes.OpenAI => (TokenCountMethod.O200k, 1.0, false),
        ProviderTypes.Anthropic => (TokenCountMethod.Approximation, 1.15, false),
        ProviderTypes.VertexAI => (TokenCountMethod.Approximation, 1.0, true),
        _ => (TokenCountMethod.Approximation, 1.0, false),
    };
}
