using System.Collections.Concurrent;

namespace FlexiAI;

/// <summary>
/// The change subscriptions of an <see cref="INotifyingCircuitStateStore"/>, by key: lock-free, copy-on-write handler arrays
/// (a handler that unsubscribes while a change is delivered affects only later changes). Shared by the stores.
/// </summary>
internal sealed class CircuitChangeHandlers
{
    private readonly ConcurrentDictionary<string, Action<CircuitStateEntry>[]> _handlers = new(StringComparer.Ordinal);

    /// <summary>Gets the keys that have at least one subscriber.</summary>
    public ICollection<string> Keys => _handlers.Keys;

    /// <summary>Adds <paramref name="onChanged"/> for <paramref name="key"/>; disposing the result removes it (once).</summary>
    public IDisposable Subscribe(string key, Action<CircuitStateEntry> onChanged)
    {
        _handlers.AddOrUpdate(key, static (_, handler) => [handler], static (_, handlers, handler) => [.. handlers, handler], onChanged);
        return new Subscription(this, key, onChanged);
    }

    /// <summary>Delivers <paramref name="entry"/> to every handler of <paramref name="key"/>, on the caller's thread.</summary>
    public void Notify(string key, CircuitStateEntry entry)
    {
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

    private sealed class Subscription(CircuitChangeHandlers owner, string key, Action<CircuitStateEntry> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Unsubscribe(key, handler);
            }
        }
    }
}
