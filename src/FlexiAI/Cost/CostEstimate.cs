namespace FlexiAI;

/// <summary>The estimated cost of a request before sending it (<see cref="FlexiAIClient.EstimateCost"/>): one estimate per enabled provider, in routing order.</summary>
/// <param name="Providers">The estimates, in the order requests try the providers.</param>
public sealed record CostEstimate(IReadOnlyList<ProviderCostEstimate> Providers);
