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
    private Bucket _today = new(DayStart(time.GetUtcNow()), DayId(time.GetUtcNow()));
    private Bucket _month = new(MonthStart(time.GetUtcNow()), MonthId(time.GetUtcNow()));

    /// <summary>Gets or sets a callback for every recorded cost (e.g. a meter's counter); runs on the request path, must be quick.</summary>
    public Action<CostRecord>? Recorded { get; set; }

    public void Record(ProviderPricing provider, string? tag, long pico) => Record(provider, tag, pico, time.GetUtcNow());

    public void Record(ProviderPricing provider, string? tag, long pico, DateTimeOffset now)
    {
        _sinceStart.Add(provider, tag, pico, maxTags);
        Current(ref _today, DayId(now), DayStart(now)).Add(provider, tag, pico, maxTags);
        Current(ref _month, MonthId(now), MonthStart(now)).Add(provider, tag, pico, maxTags);
        Recorded?.Invoke(new CostRecord(provider.Provider, provider.Model, tag, pico));
    }

    public void RecordUnpriced()
    {
        var now = time.GetUtcNow();
        Interlocked.Increment(ref _sinceStart.Unpriced);
        Interlocked.Increment(ref Current(ref _today, DayId(now), DayStart(now)).Unpriced);
        Interlocked.Increment(ref Current(ref _month, MonthId(now), MonthStart(now)).Unpriced);
    }

    public CostReport Report(CostPeriod period)
    {
        var now = time.GetUtcNow();
        var bucket = period switch
        {
            CostPeriod.Today => Current(ref _today, DayId(now), DayStart(now)),
            CostPeriod.ThisMonth => Current(ref _month, MonthId(now), MonthStart(now)),
            _ => _sinceStart,
        };
        var byProvider = new Dictionary<string, long>(StringComparer.Ordinal);
        var byModel = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (key, box) in bucket.Providers)
        {
            var pricing = (ProviderPricing)key;
            var value = Volatile.Read(ref box.Value);
            byProvider[pricing.Provider] = byProvider.GetValueOrDefault(pricing.Provider) + value;
            byModel[pricing.Model] = byModel.GetValueOrDefault(pricing.Model) + value;
        }

        var byTag = bucket.Tags.ToDictionary(p => p.Key, p => Usd(Volatile.Read(ref p.Value.Value)), StringComparer.Ordinal);
        return new CostReport(period, bucket.Start, now, Usd(Volatile.Read(ref bucket.Total)), Volatile.Read(ref bucket.Requests), Volatile.Read(ref bucket.Unpriced),
            byProvider.ToDictionary(p => p.Key, p => Usd(p.Value), StringComparer.Ordinal),
            byModel.ToDictionary(p => p.Key, p => Usd(p.Value), StringComparer.Ordinal),
            byTag);
    }

    private static decimal Usd(long pico) => pico / 1_000_000_000_000m;

    private static Bucket Current(ref Bucket field, long id, DateTimeOffset start)
    {
        var bucket = Volatile.Read(ref field);
        if (bucket.Id == id)
        {
            return bucket;
        }

        var next = new Bucket(start, id);
        var seen = Interlocked.CompareExchange(ref field, next, bucket);
        return ReferenceEquals(seen, bucket) ? next : seen;
    }

    private static long DayId(DateTimeOffset now) => now.UtcDateTime.Date.Ticks;

    private static DateTimeOffset DayStart(DateTimeOffset now) => new(now.UtcDateTime.Date, TimeSpan.Zero);

    private static long MonthId(DateTimeOffset now) => (now.UtcDateTime.Year * 12) + now.UtcDateTime.Month;

    private static DateTimeOffset MonthStart(DateTimeOffset now) => new(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);

    private sealed class Bucket(DateTimeOffset start, long id)
    {
        public readonly DateTimeOffset Start = start;
        public readonly long Id = id;
        public readonly ConcurrentDictionary<object, StrongBox<long>> Providers = new(ReferenceEqualityComparer.Instance);
        public readonly ConcurrentDictionary<string, StrongBox<long>> Tags = new(StringComparer.Ordinal);
        public long Total;
        public long Requests;
        public long Unpriced;
        private int _tags;

        public void Add(ProviderPricing provider, string? tag, long pico, int maxTags)
        {
            Interlocked.Add(ref Total, pico);
            Interlocked.Increment(ref Requests);
            if (!Providers.TryGetValue(provider, out var box))
            {
                box = Providers.GetOrAdd(provider, static _ => new StrongBox<long>());
            }

            Interlocked.Add(ref box.Value, pico);
            var key = tag ?? NoTag;
            if (!Tags.TryGetValue(key, out var tagBox))
            {
                tagBox = TagBox(key, maxTags);
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
