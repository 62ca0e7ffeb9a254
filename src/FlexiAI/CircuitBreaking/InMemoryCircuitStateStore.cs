using System.Collections.Concurrent;

namespace FlexiAI;

/// <summary>The default <see cref="ICircuitStateStore"/>: breaker state held in this process, lock-free.</summary>
/// <remarks>
/// It pushes every change to subscribed breakers synchronously, on the writer's thread, before <see cref="TryReplaceAsync"/>
/// returns: several <see cref="FlexiAIClient"/> instances that share one store see each other's transitions at once.
/// </remarks>
public sealed class InMemoryCircuitStateStore : INotifyingCircuitStateStore
{
    private readonly ConcurrentDictionary<string, CircuitStateEntry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Action<CircuitStateEntry>[]> _handlers = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public ValueTask<CircuitStateEntry> GetAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new(_entries.TryGetValue(key, out var entry) ? entry : CircuitStateEntry.Initial);
    }

    /// <inheritdoc/>
    public ValueTask<bool> TryReplaceAsync(string key, CircuitStateEntry expected, CircuitStateEntry replacement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(replacement);
        var replaced = Replace(key, expected, replacement);
        if (replaced)
        {
            Notify(key, replacement);
        }

        return new(replaced);
    }

    /// <inheritdoc/>
    public IDisposable Subscribe(string key, Action<CircuitStateEntry> onChanged)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(onChanged);
        _handlers.AddOrUpdate(key, static (_, handler) => [handler], static (_, handlers, handler) => [.. handlers, handler], onChanged);
        return new Subscription(this, key, onChanged);
    }

    private bool Replace(string key, CircuitStateEntry expected, CircuitStateEntry replacement)
    {
        while (true)
        {
            if (!_entries.TryGetValue(key, out var current))
            {
                if (expected.Version != CircuitStateEntry.Initial.Version)
                {
                    return false;
                }

                if (_entries.TryAdd(key, replacement))
                {
                    return true;
                }

                continue;
            }

            if (current.Version != expected.Version)
            {
                return false;
            }

            // TryUpdate compares by reference-equal-or-Equals; records compare by value, which includes Version.
            return _entries.TryUpdate(key, replacement, current);
        }
    }

    private void Notify(string key, CircuitStateEntry entry)
    {
        // Copy-on-write arrays: a handler that unsubscribes while we iterate changes only later notifications.
        if (_handlers.TryGetValue(key, out var handlers))
        {
            foreach (var handler in handlers)
            {
                handler(entry);
            }
        }
    }

    private void Unsubscribe(string key, Action<CircuitStateEntry> handler)
    {
        while (_handlers.TryGetValue(key, out var handlers))
        {
            var index = Array.IndexOf(handlers, handler);
            if (index < 0)
            {
                return;
            }

            if (handlers.Length == 1)
            {
                if (_handlers.TryRemove(new KeyValuePair<string, Action<CircuitStateEntry>[]>(key, handlers)))
                {
                    return;
                }

                continue;
            }

            Action<CircuitStateEntry>[] rest = [.. handlers.AsSpan(0, index), .. handlers.AsSpan(index + 1)];
            if (_handlers.TryUpdate(key, rest, handlers))
            {
                return;
            }
        }
    }

    private sealed class Subscription(InMemoryCircuitStateStore store, string key, Action<CircuitStateEntry> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                store.Unsubscribe(key, handler);
            }
        }
    }
}
