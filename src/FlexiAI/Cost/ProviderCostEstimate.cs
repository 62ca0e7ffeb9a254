namespace FlexiAI;

/// <summary>The estimated cost of a request on one provider, before sending it.</summary>
/// <param name="Provider">The provider's name.</param>
/// <param name="Model">The provider's model.</param>
/// <param name="InputTokens">The estimated input tokens.</param>
/// <param name="MaxOutputTokens">The output tokens the maximum assumes: the request's <c>MaxOutputTokens</c>, else the model's output limit; <see langword="null"/> when neither is known.</param>
/// <param name="Method">How the input tokens were counted.</param>
/// <param name="MinimumCost">The cost of the input alone (no output); <see langword="null"/> when the model has no known price.</param>
/// <param name="MaximumCost">The cost of the input plus <paramref name="MaxOutputTokens"/> of output; <see langword="null"/> when the price or the output limit is unknown.</param>
public sealed record ProviderCostEstimate(string Provider, string Model, int InputTokens, int? MaxOutputTokens, TokenCountMethod Method, decimal? MinimumCost, decimal? MaximumCost);
