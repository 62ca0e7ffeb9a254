using System.Collections.Concurrent;

namespace FlexiAI;

/// <summary>The default <see cref="ICircuitStateStore"/>: breaker state held in this process, lock-free.</summary>
public sealed class InMemoryCircuitStateStore : ICircuitStateStore
{
    private readonly ConcurrentDictionary<string, CircuitStateEntry> _entries = new(StringComparer.Ordinal);

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
        while (true)
        {
            if (!_entries.TryGetValue(key, out var current))
            {
                if (expected.Version != CircuitStateEntry.Initial.Version)
                {
                    return new(false);
                }

                if (_entries.TryAdd(key, replacement))
                {
                    return new(true);
                }

                continue;
            }

            if (current.Version != expected.Version)
            {
                return new(false);
            }

            // TryUpdate compares by reference-equal-or-Equals; records compare by value, which includes Version.
            return new(_entries.TryUpdate(key, replacement, current));
        }
    }
}
