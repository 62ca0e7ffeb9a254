using System.Collections.Concurrent;

namespace FlexiAI;

/// <summary>The per-process rate windows of one client, kept across configuration reloads (a reload that keeps a limit keeps its window).</summary>
internal sealed class LocalRateLimits(TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Provider, string Kind, int Limit), LocalRateWindow> _windows = new();

    public LocalRateWindow? Get(string provider, string kind, int? limit) =>
        limit is { } value ? _windows.GetOrAdd((provider, kind, value), static (key, t) => new LocalRateWindow(key.Limit, t), time) : null;
}
