namespace FlexiAI;

/// <summary>
/// An <see cref="ICircuitStateStore"/> that pushes every change to the breakers reading it, so a breaker that believes it is
/// closed learns at once (DESIGN §9: within 100 ms) that another instance opened it, without polling the store.
/// </summary>
/// <remarks>
/// <para>
/// A store that does not implement this interface is polled instead: each breaker re-reads its entry every
/// <see cref="CircuitBreakerOptions.StoreRefreshInterval"/>. The in-memory store pushes (two clients may share one instance);
/// a Redis store would map <see cref="Subscribe"/> onto a pub/sub channel or keyspace notifications.
/// </para>
/// <para>
/// Contract: after every successful <see cref="ICircuitStateStore.TryReplaceAsync"/> by any writer (this process or another),
/// the store calls the handlers registered for that key with the new entry. Handlers may be called on any thread, including
/// the writer's, and must return quickly and never throw (the breaker's handler only swaps a cached reference). An entry may
/// arrive late, twice or out of order: a breaker keeps the entry with the highest <see cref="CircuitStateEntry.Version"/>.
/// A store that can lose notifications (a dropped connection) should deliver the current entries again when it reconnects.
/// </para>
/// </remarks>
public interface INotifyingCircuitStateStore : ICircuitStateStore
{
    /// <summary>Registers <paramref name="onChanged"/> to receive every entry written for <paramref name="key"/> from now on.</summary>
    /// <param name="key">The circuit key (the provider name).</param>
    /// <param name="onChanged">Called with each new entry; fast, never throws.</param>
    /// <returns>The registration; dispose it to stop receiving changes (disposing twice is harmless).</returns>
    IDisposable Subscribe(string key, Action<CircuitStateEntry> onChanged);
}
