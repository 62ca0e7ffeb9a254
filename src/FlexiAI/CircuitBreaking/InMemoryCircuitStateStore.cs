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
    private readonly CircuitChangeHandlers _handlers = new();

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
            _handlers.Notify(key, replacement);
        }

        return new(replaced);
    }

    /// <inheritdoc/>
    public IDisposable Subscribe(string key, Action<CircuitStateEntry> onChanged)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(onChanged);
        return _handlers.Subscribe(key, onChanged);
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
}
