namespace FlexiAI;

/// <summary>The shared stores one <see cref="CircuitStoreFactory"/> made for a fleet: breaker state, and optionally budget spending and rate limits.</summary>
/// <param name="CircuitStateStore">Where breaker state lives.</param>
/// <param name="BudgetStore">Where budget spending lives, or <see langword="null"/> to keep it per process (unless <see cref="CostOptions.BudgetStore"/> is set).</param>
/// <param name="RateLimitStore">Where rate-limit permits are counted, or <see langword="null"/> to limit per process.</param>
/// <param name="Health">Whether the stores answer (status, health checks), or <see langword="null"/> when not known.</param>
public sealed record FleetStores(ICircuitStateStore CircuitStateStore, IBudgetStore? BudgetStore = null, IRateLimitStore? RateLimitStore = null, ISharedStoreHealth? Health = null);
