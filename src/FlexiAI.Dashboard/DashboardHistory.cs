namespace FlexiAI.Dashboard;

/// <summary>
/// Per-provider attempts and failures in fixed buckets over the last minutes, from the cumulative counters of successive
/// metrics snapshots: each snapshot stores its counters in its bucket (the latest one wins), and a bucket's figures are the
/// difference from the previous stored bucket. Buckets nobody looked at show nothing; their traffic lands in the next one
/// looked at. Not thread-safe: the monitor locks around it.
/// </summary>
internal sealed class DashboardHistory(TimeSpan bucket, int buckets)
{
    private readonly SortedDictionary<long, Dictionary<string, Counts>> _samples = [];

    public IReadOnlyList<Point> Record(MetricsSnapshot metrics)
    {
        var current = metrics.CapturedAt.UtcTicks / bucket.Ticks;
        var counts = new Dictionary<string, Counts>(StringComparer.Ordinal);
        foreach (var p in metrics.Providers)
        {
            counts[p.Name] = new Counts(p.Requests, p.Failures, p.FailuresByCategory);
        }

        // The first sample (or the first after a reset) needs a baseline: zero at the bucket before Since when counting started
        // within the window; otherwise the counters themselves, just before the window (what happened earlier is unknown).
        var since = metrics.Since.UtcTicks / bucket.Ticks;
        var oldest = current - buckets + 1;
        if (_samples.Count == 0 || _samples.Keys.Max() < since)
        {
            _samples.Clear();
            _samples[Math.Max(since, oldest) - 1] = since >= oldest ? [] : counts;
        }

        _samples[current] = counts;
        // Keep one sample before the window as the baseline of its first bucket.
        var before = _samples.Keys.Where(k => k < oldest).ToList();
        foreach (var key in before.Take(Math.Max(0, before.Count - 1)))
        {
            _samples.Remove(key);
        }

        var points = new List<Point>(buckets);
        Dictionary<string, Counts>? previous = null;
        foreach (var (key, sample) in _samples.Where(s => s.Key < oldest))
        {
            previous = sample;
        }

        for (var b = oldest; b <= current; b++)
        {
            var deltas = new Dictionary<string, Delta>(StringComparer.Ordinal);
            if (_samples.TryGetValue(b, out var sample))
            {
                foreach (var (name, c) in sample)
                {
                    var prior = previous?.GetValueOrDefault(name) ?? Counts.Zero;
                    deltas[name] = c.Minus(prior);
                }

                previous = sample;
            }

            points.Add(new Point(new DateTimeOffset(b * bucket.Ticks, TimeSpan.Zero), deltas));
        }

        return points;
    }

    /// <summary>One bucket: its start and each provider's figures in it (empty when no snapshot fell in it).</summary>
    internal sealed record Point(DateTimeOffset At, IReadOnlyDictionary<string, Delta> Providers);

    /// <summary>A provider's attempts and failures (by category) in one bucket.</summary>
    internal sealed record Delta(long Requests, long Failures, IReadOnlyDictionary<ErrorCategory, long> ByCategory);

    private sealed record Counts(long Requests, long Failures, IReadOnlyDictionary<ErrorCategory, long> ByCategory)
    {
        public static readonly Counts Zero = new(0, 0, new Dictionary<ErrorCategory, long>());

        public Delta Minus(Counts prior)
        {
            // Counters only grow; a drop means the metrics were reset in between, so the bucket counts from zero.
            if (Requests < prior.Requests || Failures < prior.Failures)
            {
                prior = Zero;
            }

            var byCategory = new Dictionary<ErrorCategory, long>();
            foreach (var (category, count) in ByCategory)
            {
                var d = count - prior.ByCategory.GetValueOrDefault(category);
                if (d > 0)
                {
                    byCategory[category] = d;
                }
            }

            return new Delta(Requests - prior.Requests, Failures - prior.Failures, byCategory);
        }
    }
}
