using System.Collections.Concurrent;

namespace FlexiAI;

/// <summary>
/// Span names with a fixed prefix (<c>chat {model}</c>, <c>attempt {provider}</c>), built once per model or provider and reused,
/// so starting a span allocates no name. Bounded: past <see cref="Capacity"/> distinct suffixes a name is built per call.
/// </summary>
internal sealed class SpanNames(string prefix)
{
    /// <summary>The most names kept (models and providers come from the configuration, so a handful in practice).</summary>
    public const int Capacity = 256;

    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);

    /// <summary>Gets the name for <paramref name="suffix"/>: the prefix and the suffix.</summary>
    public string For(string suffix)
    {
        if (_names.TryGetValue(suffix, out var name))
        {
            return name;
        }

        name = prefix + suffix;
        if (_names.Count < Capacity)
        {
            _names.TryAdd(suffix, name);
        }

        return name;
    }
}
