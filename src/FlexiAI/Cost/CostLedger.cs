using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace FlexiAI;

/// <summary>
/// Cumulative spending since start, today and this month (UTC, by the client's clock), per provider, model and tag, in
/// integer pico-dollars added with <see cref="Interlocked"/>: exact under any concurrency. Recording allocates nothing for a
/// provider and tag already seen in the period. A period rolls over on the first record or report after it ends.
/// </summary>
/// <remarks>A bucket holds up to 2⁶³ pico-dollars (about 9.2 million USD) per key and period.</remarks>
internal sealed class CostLedger(TimeProvider time, int maxTags)
{
    public const string OtherTag = "other";
    public const string NoTag = "(none)";

    private readonly Bucket _sinceStart = new(time.GetUtcNow(), long.MinValue);
    private Bucket _today = new(Day(time.GetUtcNow().UtcDateTime), time.GetUtcNow().UtcDateTime.Date.Ticks);
    private Bucket _month = new(Month(time.GetUtcNow().UtcDateTime), MonthId(time.GetUtcNow().UtcDateTime));

    /// <summary>Gets or sets a callback for every recorded cost (e.g. a meter's counter); runs on the request path, must be quick.</summary>
    public Action<CostRecord>? Recorded { get; set; }

    public void Record(ProviderPricing provider, string? tag, long pico) => Record(provider, tag, pico, time.GetUtcNow());

    public void Record(ProviderPricing provider, string? tag, long pico, DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        _sinceStart.Add(provider, tag, pico, maxTags);
        Current(ref _today, utc.Date.Ticks, utc, Day).Add(provider, tag, pico, maxTags);
        Current(ref _month, MonthId(utc), utc, Month).Add(provider, tag, pico, maxTags);
        Recorded?.Invoke(new CostRecord(provider.Provider, provider.Model, tag, pico));
    }

    public void RecordUnpriced()
    {
        var utc = time.GetUtcNow().UtcDateTime;
        Interlocked.Increment(ref _sinceStart.Unpriced);
        Interlocked.Increment(ref Current(ref _today, utc.Date.Ticks, utc, Day).Unpriced);
        Interlocked.Increment(ref Current(ref _month, MonthId(utc), utc, Month).Unpriced);
    }

    public CostReport Report(CostPeriod period)
    {
        var now = time.GetUtcNow();
        var utc = now.UtcDateTime;
        var bucket = period switch
        {
            CostPeriod.Today => Current(ref _today, utc.Date.Ticks, utc, Day),
            CostPeriod.ThisMonth => Current(ref _month, MonthId(utc), utc, Month),
            _ => _sinceStart,
        };
        var byProvider = new Dictionary<string, long>(StringComparer.Ordinal);
        var byModel = new Dictionary<string, long>(StringComparer.Ordinal);
        long total = 0, requests = 0;
        foreach (var (key, cell) in bucket.Providers)
        {
            var pricing = (ProviderPricing)key;
            var value = Volatile.Read(ref cell.Pico);
            total += value;
            requests += Volatile.Read(ref cell.Requests);
            byProvider[pricing.Provider] = byProvider.GetValueOrDefault(pricing.Provider) + value;
            byModel[pricing.Model] = byModel.GetValueOrDefault(pricing.Model) + value;
        }

        // Untagged spending is not kept apart on the request path: it is what the tags do not account for.
        var byTag = new Dictionary<string, decimal>(StringComparer.Ordinal);
        long tagged = 0;
        foreach (var (tag, box) in bucket.Tags)
        {
            var value = Volatile.Read(ref box.Value);
            tagged += value;
            byTag[tag] = Usd(value);
        }

        if (total - tagged is > 0 and var untagged)
        {
            byTag[NoTag] = byTag.GetValueOrDefault(NoTag) + Usd(untagged);
        }

        return new CostReport(period, bucket.Start, now, Usd(total), requests, Volatile.Read(ref bucket.Unpriced),
            byProvider.ToDictionary(p => p.Key, p => Usd(p.Value), StringComparer.Ordinal),
            byModel.ToDictionary(p => p.Key, p => Usd(p.Value), StringComparer.Ordinal),
            byTag);
    }

    private static decimal Usd(long pico) => pico / 1_000_000_000_000m;

    private static Bucket Current(ref Bucket field, long id, DateTime utc, Func<DateTime, DateTimeOffset> start)
    {
        var bucket = Volatile.Read(ref field);
        if (bucket.Id == id)
        {
            return bucket;
        }

        var next = new Bucket(start(utc), id);
        var seen = Interlocked.CompareExchange(ref field, next, bucket);
        return ReferenceEquals(seen, bucket) ? next : seen;
    }

    private static DateTimeOffset Day(DateTime utc) => new(utc.Date, TimeSpan.Zero);

    private static long MonthId(DateTime utc) => (utc.Year * 12) + utc.Month;

    private static DateTimeOffset Month(DateTime utc) => new(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>One provider's spending in one period.</summary>
    private sealed class Cell
    {
        public long Pico;
        public long Requests;
    }

    private sealed class Bucket(DateTimeOffset start, long id)
    {
        public readonly DateTimeOffset Start = start;
        public readonly long Id = id;
        public readonly ConcurrentDictionary<object, Cell> Providers = new(ReferenceEqualityComparer.Instance);
        public readonly ConcurrentDictionary<string, StrongBox<long>> Tags = new(StringComparer.Ordinal);
        public long Unpriced;
        private int _tags;

        /// <summary>Adds one priced request: two atomic adds on the provider's cell, and two more only for a tagged request.</summary>
        public void Add(ProviderPricing provider, string? tag, long pico, int maxTags)
        {
            if (!Providers.TryGetValue(provider, out var cell))
            {
                cell = Providers.GetOrAdd(provider, static _ => new Cell());
            }

            Interlocked.Add(ref cell.Pico, pico);
            Interlocked.Increment(ref cell.Requests);
            if (tag is null)
            {
                return;
            }

            if (!Tags.TryGetValue(tag, out var tagBox))
            {
                tagBox = TagBox(tag, maxTags);
            }

            Interlocked.Add(ref tagBox.Value, pico);
        }

        private StrongBox<long> TagBox(string tag, int maxTags)
        {
            if (tag is NoTag or OtherTag)
            {
                return Tags.GetOrAdd(tag, static _ => new StrongBox<long>());
            }

            if (Interlocked.Increment(ref _tags) <= maxTags)
            {
                var box = new StrongBox<long>();
                if (Tags.TryAdd(tag, box))
                {
                    return box;
                }

                // Another request added the same tag first: it counts once.
                Interlocked.Decrement(ref _tags);
                return Tags[tag];
            }

            Interlocked.Decrement(ref _tags);
            return Tags.TryGetValue(tag, out var existing) ? existing : Tags.GetOrAdd(OtherTag, static _ => new StrongBox<long>());
        }
    }
}
