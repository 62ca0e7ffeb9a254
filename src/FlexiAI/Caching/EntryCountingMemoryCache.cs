using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Primitives;

namespace FlexiAI;

/// <summary>
/// The response cache's memory layer (HybridCache's L1): a <see cref="MemoryCache"/> whose size limit counts answers
/// (<see cref="ResponseCacheOptions.MaxEntries"/>). HybridCache gives each entry its serialized length as its size; this
/// wrapper makes every entry size 1, so the limit is a number of answers whichever store (memory or Redis) is behind it.
/// </summary>
internal sealed class EntryCountingMemoryCache(int maxEntries) : IMemoryCache
{
    private readonly MemoryCache _inner = new(new MemoryCacheOptions { SizeLimit = maxEntries });

    /// <summary>Gets the number of answers in memory now.</summary>
    public int Count => _inner.Count;

    /// <summary>Gets the limit.</summary>
    public int MaxEntries { get; } = maxEntries;

    public ICacheEntry CreateEntry(object key) => new CountedEntry(_inner.CreateEntry(key));

    public void Remove(object key) => _inner.Remove(key);

    public bool TryGetValue(object key, out object? value) => _inner.TryGetValue(key, out value);

    public MemoryCacheStatistics? GetCurrentStatistics() => _inner.GetCurrentStatistics();

    public void Dispose() => _inner.Dispose();

    /// <summary>An entry whose size is always 1, whatever its creator sets.</summary>
    private sealed class CountedEntry : ICacheEntry
    {
        private readonly ICacheEntry _inner;

        public CountedEntry(ICacheEntry inner)
        {
            _inner = inner;
            _inner.Size = 1;
        }

        public object Key => _inner.Key;

        public object? Value { get => _inner.Value; set => _inner.Value = value; }

        public DateTimeOffset? AbsoluteExpiration { get => _inner.AbsoluteExpiration; set => _inner.AbsoluteExpiration = value; }

        public TimeSpan? AbsoluteExpirationRelativeToNow { get => _inner.AbsoluteExpirationRelativeToNow; set => _inner.AbsoluteExpirationRelativeToNow = value; }

        public TimeSpan? SlidingExpiration { get => _inner.SlidingExpiration; set => _inner.SlidingExpiration = value; }

        public IList<IChangeToken> ExpirationTokens => _inner.ExpirationTokens;

        public IList<PostEvictionCallbackRegistration> PostEvictionCallbacks => _inner.PostEvictionCallbacks;

        public CacheItemPriority Priority { get => _inner.Priority; set => _inner.Priority = value; }

        public long? Size
        {
            get => 1;
            set
            {
                // HybridCache sets the serialized length; the limit counts answers.
            }
        }

        public void Dispose() => _inner.Dispose();
    }
}
