namespace FlexiAI;

/// <summary>
/// Where circuit-breaker state lives. The in-memory store (the default) keeps it per process; a shared
/// store (e.g. Redis) lets a fleet of instances share one view of each provider's health.
/// </summary>
/// <remarks>
/// The breaker owns the state machine; a store only reads entries and swaps them atomically. Implementations
/// must make <see cref="TryReplaceAsync"/> a compare-and-swap on <see cref="CircuitStateEntry.Version"/>: it
/// succeeds only when the stored entry's version equals <c>expected.Version</c>. A key that was never written
/// reads as <see cref="CircuitStateEntry.Initial"/>. Keys are provider names.
/// </remarks>
public interface ICircuitStateStore
{
    /// <summary>Reads the current entry for <paramref name="key"/>.</summary>
    /// <param name="key">The circuit key (the provider name).</param>
    /// <param name="cancellationToken">A token to cancel the read.</param>
    /// <returns>The entry, or <see cref="CircuitStateEntry.Initial"/> when none is stored.</returns>
    ValueTask<CircuitStateEntry> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Replaces the entry for <paramref name="key"/> if it is still <paramref name="expected"/>.</summary>
    /// <param name="key">The circuit key (the provider name).</param>
    /// <param name="expected">The entry the caller read.</param>
    /// <param name="replacement">The new entry; its version is <c>expected.Version + 1</c>.</param>
    /// <param name="cancellationToken">A token to cancel the write.</param>
    /// <returns><see langword="true"/> when the swap happened; <see langword="false"/> when another writer changed the entry first.</returns>
    ValueTask<bool> TryReplaceAsync(string key, CircuitStateEntry expected, CircuitStateEntry replacement, CancellationToken cancellationToken);
}
