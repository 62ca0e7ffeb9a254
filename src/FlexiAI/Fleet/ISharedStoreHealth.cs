namespace FlexiAI;

/// <summary>Whether a fleet's shared store (<c>circuit_breaker.store</c>) answers; read by status, health checks and metrics.</summary>
/// <remarks>While it does not, every instance runs on its local breaker state, budgets and rate limits (fail open) — degraded, not down.</remarks>
public interface ISharedStoreHealth
{
    /// <summary>Gets a value indicating whether the store answered its last call.</summary>
    bool IsAvailable { get; }

    /// <summary>Gets the store in words, secrets masked (e.g. <c>redis 10.0.0.5:6379,password=*** (prefix orders-api)</c>).</summary>
    string Description { get; }
}
