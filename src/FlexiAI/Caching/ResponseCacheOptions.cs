namespace FlexiAI;

/// <summary>
/// The response cache's settings (JSON <c>cache</c>). The cache is a layer in front of <see cref="FlexiAIClient"/>
/// (<see cref="ResponseCachingChatClient"/>, added with <c>UseFlexiAICache()</c>); see docs/cache.md.
/// </summary>
public sealed class ResponseCacheOptions
{
    /// <summary>The default key prefix.</summary>
    public const string DefaultKeyPrefix = "flexiai:cache:";

    /// <summary>Gets or sets a value indicating whether answers are cached. Default <see langword="false"/>.</summary>
    public bool Enabled { get; set; }

    /// <summary>Gets or sets how long an answer stays cached. Default 1 hour; a request may shorten or lengthen it with <see cref="ResponseCacheControl.TtlKey"/>.</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets where answers are kept. Default <see cref="CacheBackend.Memory"/>.</summary>
    public CacheBackend Backend { get; set; } = CacheBackend.Memory;

    /// <summary>Gets or sets the Redis connection string (StackExchange.Redis syntax, e.g. <c>localhost:6379</c>) for <see cref="CacheBackend.Redis"/>.</summary>
    public string? RedisConnectionString { get; set; }

    /// <summary>Gets or sets the prefix of every cache key (so several applications can share one Redis). Default <see cref="DefaultKeyPrefix"/>.</summary>
    public string KeyPrefix { get; set; } = DefaultKeyPrefix;

    /// <summary>
    /// Gets or sets a value indicating whether requests whose temperature is not zero are cached too. Default <see langword="false"/>:
    /// such a request asks for varied answers, and a cache would return the same one every time.
    /// </summary>
    public bool CacheNondeterministic { get; set; }

    /// <summary>Gets or sets a value indicating whether answers that end in a tool call are cached. Default <see langword="false"/>.</summary>
    public bool CacheToolCalls { get; set; }

    /// <summary>
    /// Gets or sets the largest answer cached, in bytes: its text in UTF-8, its data, and a 64-byte allowance per message and part
    /// (close to its serialized size; with Redis the serialized entry is checked too). Default 1 MiB; larger answers are served but
    /// not kept. Read when the cache is built: changing it needs a restart.
    /// </summary>
    public int MaxEntryBytes { get; set; } = 1024 * 1024;

    /// <summary>The default <see cref="MaxEntries"/>.</summary>
    public const int DefaultMaxEntries = 10_000;

    /// <summary>
    /// Gets or sets the most answers kept in this process's memory (JSON <c>cache.max_entries</c>). Default
    /// <see cref="DefaultMaxEntries"/>. When the memory layer is full, new answers are served but not kept until it has made room
    /// (it then drops the least recently used ones, a few percent at a time). With <see cref="MaxEntryBytes"/> it bounds the memory the
    /// cache can take: at most <c>max_entries × max_entry_bytes</c>. Redis is not limited by it (give Redis a <c>maxmemory</c> and
    /// an eviction policy). Read when the cache is built: changing it needs a restart.
    /// </summary>
    public int MaxEntries { get; set; } = DefaultMaxEntries;

    /// <summary>
    /// Gets or sets a value indicating whether a copy of each answer is kept in this process's memory in front of Redis. Default
    /// <see langword="true"/>. Turn it off (JSON <c>cache.memory_layer: false</c>) when every instance must see a refresh or an
    /// invalidation made by another at once; every hit then reads Redis. Ignored for the memory backend.
    /// </summary>
    public bool MemoryLayer { get; set; } = true;

    /// <summary>Gets or sets how long the cache stops using an unreachable Redis before trying it again. Default 5 s.</summary>
    public TimeSpan StoreRetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how long one Redis operation may take before the request goes on without it. Default 250 ms.</summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Gets the providers (by name, case-insensitive) whose answers are never cached (JSON <c>cache.exclude_providers</c>).</summary>
    public ISet<string> ExcludedProviders { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates a copy of these options.</summary>
    /// <returns>The copy.</returns>
    public ResponseCacheOptions Clone()
    {
        var clone = new ResponseCacheOptions
        {
            Enabled = Enabled,
            Ttl = Ttl,
            Backend = Backend,
            RedisConnectionString = RedisConnectionString,
            KeyPrefix = KeyPrefix,
            CacheNondeterministic = CacheNondeterministic,
            CacheToolCalls = CacheToolCalls,
            MaxEntryBytes = MaxEntryBytes,
            MaxEntries = MaxEntries,
            StoreRetryInterval = StoreRetryInterval,
            StoreTimeout = StoreTimeout,
            MemoryLayer = MemoryLayer,
        };
        clone.ExcludedProviders.UnionWith(ExcludedProviders);
        return clone;
    }
}
