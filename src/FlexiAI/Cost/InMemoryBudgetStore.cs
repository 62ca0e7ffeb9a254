using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace FlexiAI;

/// <summary>Budget spending kept in this process's memory (the default store). Thread-safe; allocation-free for keys already present.</summary>
public sealed class InMemoryBudgetStore : IBudgetStore
{
    private readonly ConcurrentDictionary<string, StrongBox<long>> _spent = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public ValueTask<long> GetAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new(_spent.TryGetValue(key, out var box) ? Volatile.Read(ref box.Value) : 0);
    }

    /// <inheritdoc/>
    public ValueTask<long> AddAsync(string key, long microDollars, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfNegative(microDollars);
        if (!_spent.TryGetValue(key, out var box))
        {
            box = _spent.GetOrAdd(key, static _ => new StrongBox<long>());
        }

        return new(Interlocked.Add(ref box.Value, microDollars));
    }
}
