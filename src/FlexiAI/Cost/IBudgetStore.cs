namespace FlexiAI;

/// <summary>
/// Where budget spending is kept, in whole micro-dollars (1 USD = 1,000,000), by key (the budget and its period, e.g.
/// <c>global:day:2026-11-27</c>). In memory by default (<see cref="InMemoryBudgetStore"/>); a shared store (Redis) lets a
/// fleet of instances share one budget. Implementations must be thread-safe.
/// </summary>
/// <remarks>
/// A store that throws or hangs never fails a request: admission fails open (the provider is allowed) and the spending
/// of that attempt is not recorded in the store; FlexiAI logs the first failure of each outage.
/// </remarks>
public interface IBudgetStore
{
    /// <summary>Reads the spending recorded under <paramref name="key"/>.</summary>
    /// <param name="key">The budget period's key.</param>
    /// <param name="cancellationToken">A token to cancel the read.</param>
    /// <returns>The spending in micro-dollars (0 when nothing was recorded).</returns>
    ValueTask<long> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Adds <paramref name="microDollars"/> to the spending under <paramref name="key"/>, atomically.</summary>
    /// <param name="key">The budget period's key.</param>
    /// <param name="microDollars">The amount to add (never negative).</param>
    /// <param name="expiresAt">When the period ends and the entry may be dropped; <see langword="null"/> for never.</param>
    /// <param name="cancellationToken">A token to cancel the write.</param>
    /// <returns>The spending after the addition.</returns>
    ValueTask<long> AddAsync(string key, long microDollars, DateTimeOffset? expiresAt, CancellationToken cancellationToken);
}
