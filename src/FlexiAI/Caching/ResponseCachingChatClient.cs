using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlexiAI;

/// <summary>
/// The response cache: a <see cref="DelegatingChatClient"/> in front of <see cref="FlexiAIClient"/> that answers a request it has seen
/// from <see cref="HybridCache"/> (memory, plus Redis with the <c>FlexiAI.Redis</c> package), with HybridCache's stampede protection
/// (identical concurrent requests on a cold key make one upstream call). Only complete answers are kept; a hit carries a route report
/// with <see cref="RouteReport.CacheHit"/>. Add it with <c>UseFlexiAICache()</c>; see docs/cache.md.
/// </summary>
/// <remarks>Thread-safe. Disposing it disposes the inner client and the stores it created.</remarks>
public sealed partial class ResponseCachingChatClient : DelegatingChatClient
{
    private const int ReplayChunk = 64;
    private const int EntryOverheadBytes = 64; // per entry, message and non-text part: roughly what their JSON envelope takes

    private readonly ResponseCacheOptions _built;
    private readonly HybridCache _cache;
    private readonly ServiceProvider _services;
    private readonly IDisposable? _ownedStore;
    private readonly TimeProvider _time;
    private readonly FlexiAIClient? _flexi;
    private readonly ILogger _logger;
    private readonly string _backend;
    private readonly bool _hasStore;
    private readonly HybridCacheEntryFlags _localFlags;
    private readonly HybridCacheEntryOptions _readOnly;
    private readonly Func<ResponseCacheOptions?, ResponseCacheOptions>? _follow;
    private readonly Lock _followLock = new();
    private readonly EntryCountingMemoryCache? _memory;
    private volatile Settings _settings;

    /// <summary>Initializes a new instance of the <see cref="ResponseCachingChatClient"/> class.</summary>
    /// <param name="innerClient">The client to cache, normally a <see cref="FlexiAIClient"/> (then its clock, logger and metrics are used).</param>
    /// <param name="options">The settings; <see langword="null"/> uses the inner <see cref="FlexiAIClient"/>'s <c>cache</c> section, else an enabled memory cache.</param>
    /// <param name="distributedCache">The distributed store behind the memory layer (what <c>FlexiAI.Redis</c> passes), or <see langword="null"/> for memory only.</param>
    /// <param name="timeProvider">The clock for expiry; <see langword="null"/> uses the inner FlexiAIClient's, else the system clock.</param>
    /// <param name="loggerFactory">Logging; <see langword="null"/> uses the inner FlexiAIClient's logger.</param>
    /// <exception cref="InvalidOperationException"><see cref="ResponseCacheOptions.Backend"/> is Redis but no distributed store was given.</exception>
    /// <exception cref="ConfigurationException">A setting is invalid (e.g. <see cref="ResponseCacheOptions.MaxEntries"/> not positive); the error names its <c>cache.*</c> path and the fix.</exception>
    public ResponseCachingChatClient(IChatClient innerClient, ResponseCacheOptions? options = null, IDistributedCache? distributedCache = null,
        TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : this(innerClient, options, distributedCache, timeProvider, loggerFactory, ownedStore: null,
            follow: options is null ? static section => section?.Clone() ?? new ResponseCacheOptions { Enabled = true } : null)
    {
    }

    // follow derives the settings from the inner FlexiAIClient's current cache section, so a configuration reload reaches the
    // cache; null keeps the options as they are (settings given in code).
    internal ResponseCachingChatClient(IChatClient innerClient, ResponseCacheOptions? options, IDistributedCache? distributedCache,
        TimeProvider? timeProvider, ILoggerFactory? loggerFactory, IDisposable? ownedStore, Func<ResponseCacheOptions?, ResponseCacheOptions>? follow = null)
        : base(innerClient)
    {
        _flexi = innerClient.GetService(typeof(FlexiAIClient)) as FlexiAIClient;
        var section = _flexi?.CurrentCacheOptions;
        _follow = _flexi is null ? null : follow;
        _built = (options ?? follow?.Invoke(section) ?? new ResponseCacheOptions { Enabled = true }).Clone();
        FlexiAICache.Validate(_built, storeGiven: distributedCache is not null);
        if (_built.Backend == CacheBackend.Redis && distributedCache is null && _built.Enabled)
        {
            throw new InvalidOperationException(RedisMissingMessage);
        }

        _time = timeProvider ?? _flexi?.Time ?? TimeProvider.System;
        _logger = loggerFactory?.CreateLogger("FlexiAI.Cache") ?? _flexi?.Logger ?? NullLogger.Instance;
        _hasStore = distributedCache is not null;
        _backend = distributedCache is null ? "memory" : ConfigurationText.ToSnakeCase(_built.Backend.ToString());
        _ownedStore = ownedStore;
        _localFlags = distributedCache is not null && !_built.MemoryLayer ? HybridCacheEntryFlags.DisableLocalCache : HybridCacheEntryFlags.None;
        _readOnly = new HybridCacheEntryOptions { Flags = HybridCacheEntryFlags.DisableUnderlyingData | _localFlags };
        _settings = new Settings(_built, section, EntryOptions(_built.Ttl));

        var services = new ServiceCollection();
        services.AddSingleton(_time);
        services.AddSingleton<ILoggerFactory>(loggerFactory ?? NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        if (_localFlags == HybridCacheEntryFlags.None)
        {
            _memory = new EntryCountingMemoryCache(_built.MaxEntries);
            services.AddSingleton<IMemoryCache>(_memory);
        }

        if (distributedCache is not null)
        {
            services.AddSingleton<IDistributedCache>(new GuardedDistributedCache(distributedCache, _built, _time, _logger, _backend,
                () => Publish(CacheLookupResult.StoreError)));
        }

        services.AddHybridCache(o =>
        {
            o.MaximumPayloadBytes = _built.MaxEntryBytes;
            o.MaximumKeyLength = 2048;
            o.DefaultEntryOptions = _settings.Entry;
        }).AddSerializer<CachedChatResponse>(distributedCache is null ? MemoryOnlyEntrySerializer.Instance : CachedChatResponseSerializer.Instance);
        _services = services.BuildServiceProvider();
        _cache = _services.GetRequiredService<HybridCache>();
    }

    /// <summary>The message of the error raised when the configuration asks for Redis and the FlexiAI.Redis package is not in use.</summary>
    internal static string RedisMissingMessage =>
        "cache.backend is \"redis\", but no Redis store was given. Add the FlexiAI.Redis package (dotnet add package FlexiAI.Redis) and build the client with "
        + "new ChatClientBuilder(flexiAIClient).UseFlexiAIRedisCache() (or services.AddFlexiAIRedisCache() next to AddFlexiAI), or set cache.backend to \"memory\".";

    /// <summary>
    /// Gets the settings in force (a copy). A cache built from the FlexiAIClient's <c>cache</c> section (<c>UseFlexiAICache()</c>,
    /// <c>AddFlexiAI</c>, or this class without options) follows its configuration reloads; see docs/cache.md.
    /// </summary>
    public ResponseCacheOptions Options => Current().Options.Clone();

    /// <summary>Gets the number of answers in this process's memory layer now (0 when it has none).</summary>
    internal int MemoryCount => _memory?.Count ?? 0;

    /// <summary>Computes the cache key of a request, e.g. for <see cref="InvalidateAsync"/>; <see langword="null"/> when the request cannot be cached.</summary>
    /// <param name="messages">The request's messages.</param>
    /// <param name="options">The request's options.</param>
    /// <returns>The key (the configured prefix and a SHA-256 of the request), or <see langword="null"/>.</returns>
    public string? GetCacheKey(IEnumerable<ChatMessage> messages, ChatOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return ResponseCacheKey.Compute(messages, options, Current().Options.KeyPrefix);
    }

    /// <summary>Removes one cached answer (from memory and from Redis).</summary>
    /// <param name="key">The key (<see cref="GetCacheKey"/>).</param>
    /// <param name="cancellationToken">A token to cancel the removal.</param>
    /// <returns>A task that completes when the answer is removed.</returns>
    public ValueTask InvalidateAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return _cache.RemoveAsync(key, cancellationToken);
    }

    /// <summary>Removes every cached answer stored with <paramref name="tag"/> (<see cref="ResponseCacheControl.TagsKey"/>).</summary>
    /// <param name="tag">The tag.</param>
    /// <param name="cancellationToken">A token to cancel the removal.</param>
    /// <returns>A task that completes when the answers are removed.</returns>
    public ValueTask InvalidateTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tag);
        return _cache.RemoveByTagAsync(tag, cancellationToken);
    }

    /// <summary>Removes every cached answer.</summary>
    /// <param name="cancellationToken">A token to cancel the removal.</param>
    /// <returns>A task that completes when the cache is clear.</returns>
    public ValueTask ClearAsync(CancellationToken cancellationToken = default) => _cache.RemoveByTagAsync("*", cancellationToken);

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var settings = Current();
        var control = RequestControl.Read(options);
        var key = Key(messages, options, control, settings.Options);
        if (key is null)
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }

        var start = _time.GetTimestamp();
        var ttl = control.Ttl ?? settings.Options.Ttl;
        if (!control.Refresh)
        {
            var miss = new Miss(this, messages, options, ttl, settings.Options);
            CachedChatResponse entry;
            try
            {
                entry = await _cache.GetOrCreateAsync(key, miss, static (m, ct) => m.FetchAsync(ct), EntryOptionsFor(control, settings), control.Tags, cancellationToken).ConfigureAwait(false);
            }
            catch (NotCacheableException e)
            {
                // The answer was fine but is not kept (filtered, cut short, a tool call): every caller that waited for it gets it.
                Publish(CacheLookupResult.Miss);
                return e.Response;
            }

            if (miss.Response is { } fresh)
            {
                Publish(CacheLookupResult.Miss);
                return fresh;
            }

            if (entry.ExpiresAt > _time.GetUtcNow())
            {
                var route = HitRoute(entry, options, start);
                Publish(CacheLookupResult.Hit, route.CacheSource);
                return entry.ToResponse(route);
            }
        }

        // Refresh, or an entry past its TTL: ask the providers and replace it.
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        Publish(CacheLookupResult.Miss);
        if (TryCreateEntry(response, response.TryGetRoute(), ttl, settings.Options) is { } created)
        {
            await _cache.SetAsync(key, created, EntryOptionsFor(control, settings), control.Tags, cancellationToken).ConfigureAwait(false);
        }

        return response;
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var settings = Current();
        var control = RequestControl.Read(options);
        var key = Key(messages, options, control, settings.Options);
        if (key is null)
        {
            await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }

            yield break;
        }

        var start = _time.GetTimestamp();
        if (!control.Refresh)
        {
            var entry = await _cache.GetOrCreateAsync<CachedChatResponse?>(key, static _ => default, _readOnly, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (entry is not null && entry.ExpiresAt > _time.GetUtcNow())
            {
                var hit = HitRoute(entry, options, start);
                Publish(CacheLookupResult.Hit, hit.CacheSource);
                foreach (var update in entry.ToUpdates(hit, ReplayChunk))
                {
                    yield return update;
                }

                yield break;
            }
        }

        Publish(CacheLookupResult.Miss);
        var updates = new List<ChatResponseUpdate>();
        RouteReport? route = null;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            updates.Add(update);
            route = update.TryGetRoute() ?? route;
            yield return update;
        }

        // Only a stream that completed is stored: an error or a caller that stopped early never reaches this line.
        if (TryCreateEntry(updates.ToChatResponse(), route, control.Ttl ?? settings.Options.Ttl, settings.Options) is { } created)
        {
            await _cache.SetAsync(key, created, EntryOptionsFor(control, settings), control.Tags, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType == typeof(HybridCache) ? _cache : base.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _services.Dispose();
            _ownedStore?.Dispose();
        }

        base.Dispose(disposing);
    }

    private HybridCacheEntryOptions EntryOptions(TimeSpan ttl) => new() { Expiration = ttl, LocalCacheExpiration = ttl, Flags = _localFlags };

    private HybridCacheEntryOptions EntryOptionsFor(RequestControl control, Settings settings) => control.Ttl is { } ttl ? EntryOptions(ttl) : settings.Entry;

    /// <summary>The settings for a new request: the current ones, rebuilt first when the FlexiAIClient's configuration was reloaded.</summary>
    private Settings Current()
    {
        var settings = _settings;
        if (_follow is null)
        {
            return settings;
        }

        var section = _flexi!.CurrentCacheOptions;
        return ReferenceEquals(section, settings.Section) ? settings : Follow(section);
    }

    /// <summary>Takes a reloaded <c>cache</c> section: what can change at once does; what chose the stores waits for a restart (one warning).</summary>
    private Settings Follow(ResponseCacheOptions? section)
    {
        lock (_followLock)
        {
            var settings = _settings;
            if (ReferenceEquals(section, settings.Section))
            {
                return settings;
            }

            var next = _follow!(section).Clone();
            var kept = new List<string>();
            Keep(kept, "backend", next.Backend != _built.Backend, () => next.Backend = _built.Backend);
            Keep(kept, "redis_connection_string", !string.Equals(next.RedisConnectionString, _built.RedisConnectionString, StringComparison.Ordinal),
                () => next.RedisConnectionString = _built.RedisConnectionString);
            Keep(kept, "memory_layer", next.MemoryLayer != _built.MemoryLayer, () => next.MemoryLayer = _built.MemoryLayer);
            Keep(kept, "max_entries", next.MaxEntries != _built.MaxEntries, () => next.MaxEntries = _built.MaxEntries);
            Keep(kept, "max_entry_bytes", next.MaxEntryBytes != _built.MaxEntryBytes, () => next.MaxEntryBytes = _built.MaxEntryBytes);
            Keep(kept, "store_timeout", next.StoreTimeout != _built.StoreTimeout, () => next.StoreTimeout = _built.StoreTimeout);
            Keep(kept, "store_retry_interval", next.StoreRetryInterval != _built.StoreRetryInterval, () => next.StoreRetryInterval = _built.StoreRetryInterval);
            if (kept.Count > 0)
            {
                Log.CacheSettingsNeedRestart(_logger, string.Join(", ", kept.Select(k => "cache." + k)));
            }

            if (next.Enabled && next.Backend != CacheBackend.Memory && !_hasStore)
            {
                // Built disabled, without its Redis store: it cannot start using Redis now.
                next.Enabled = false;
                Log.CacheCannotEnableWithoutRestart(_logger, ConfigurationText.ToSnakeCase(next.Backend.ToString()));
            }

            settings = new Settings(next, section, EntryOptions(next.Ttl));
            _settings = settings;
            Log.CacheSettingsReloaded(_logger, next.Enabled, next.Ttl.TotalSeconds);
            return settings;
        }

        static void Keep(List<string> kept, string name, bool changed, Action restore)
        {
            if (changed)
            {
                kept.Add(name);
                restore();
            }
        }
    }

    private string? Key(IEnumerable<ChatMessage> messages, ChatOptions? options, RequestControl control, ResponseCacheOptions settings)
    {
        if (!settings.Enabled)
        {
            return null;
        }

        if (Skips(options, control, settings))
        {
            Publish(CacheLookupResult.Bypass);
            return null;
        }

        var key = ResponseCacheKey.Compute(messages, options, settings.KeyPrefix);
        if (key is null)
        {
            Publish(CacheLookupResult.Bypass);
        }

        return key;
    }

    /// <summary>
    /// Gets whether a request with <paramref name="options"/> goes past the cache under the settings in force: the cache is off, the
    /// caller bypasses it (<see cref="ResponseCacheControl.BypassKey"/>), or the cache never keeps such a request (a non-zero
    /// temperature without <c>cache_nondeterministic</c>, or a server-side conversation). Otherwise the request reads the cache
    /// (unless it refreshes) and a complete answer is stored.
    /// </summary>
    /// <param name="options">The request's options.</param>
    /// <returns><see langword="true"/> when the cache is not used for this request.</returns>
    public bool Skips(ChatOptions? options)
    {
        var settings = Current().Options;
        return !settings.Enabled || Skips(options, RequestControl.Read(options), settings);
    }

    private static bool Skips(ChatOptions? options, RequestControl control, ResponseCacheOptions settings) =>
        control.Bypass
        || options?.ConversationId is not null // the answer depends on state kept by the provider
        || (options?.Temperature is { } t && t != 0f && !(control.Nondeterministic ?? settings.CacheNondeterministic));

    private RouteReport HitRoute(CachedChatResponse entry, ChatOptions? options, long start)
    {
        var correlation = options?.AdditionalProperties?.TryGetValue(FlexiAIClient.CorrelationIdKey, out var id) == true ? id as string : null;
        var trace = Activity.Current?.TraceId ?? ActivityTraceId.CreateRandom();
        return new RouteReport(correlation, trace, entry.Provider, entry.RouteModel, [], _time.GetElapsedTime(start))
        {
            CacheHit = true,
            CacheSource = entry.TakeFromStore() ? _backend : "memory",
            CostSaved = entry.Cost,
            Usage = entry.Usage,
        };
    }

    /// <summary>Builds the entry to keep for <paramref name="response"/>, or <see langword="null"/> when it must not be kept.</summary>
    private CachedChatResponse? TryCreateEntry(ChatResponse response, RouteReport? route, TimeSpan ttl, ResponseCacheOptions settings)
    {
        var finish = response.FinishReason;
        var complete = finish == ChatFinishReason.Stop || finish == ChatFinishReason.Length || (finish == ChatFinishReason.ToolCalls && settings.CacheToolCalls);
        if (!complete || response.Messages.Count == 0)
        {
            return null;
        }

        if (route?.Provider is { } provider && settings.ExcludedProviders.Contains(provider))
        {
            return null;
        }

        var messages = new ChatMessage[response.Messages.Count];
        long size = EntryOverheadBytes;
        for (var i = 0; i < messages.Length; i++)
        {
            var message = response.Messages[i];
            var contents = new List<AIContent>(message.Contents.Count);
            size += EntryOverheadBytes;
            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case ErrorContent:
                        return null;
                    case FunctionCallContent when !settings.CacheToolCalls:
                        return null;
                    case UsageContent:
                        continue;
                    case TextContent text when content.GetType() == typeof(TextContent):
                        size += Encoding.UTF8.GetByteCount(text.Text);
                        contents.Add(new TextContent(text.Text));
                        break;
                    default:
                        size += ApproximateBytes(content);
                        contents.Add(content);
                        break;
                }
            }

            if (size > settings.MaxEntryBytes)
            {
                return null; // served, not kept
            }

            messages[i] = new ChatMessage(message.Role, contents) { AuthorName = message.AuthorName, MessageId = message.MessageId };
        }

        return new CachedChatResponse(messages, finish?.Value, response.ModelId, response.ResponseId, response.CreatedAt, response.Usage ?? route?.Usage,
            route?.Provider, route?.Model, route?.Cost?.Total, _time.GetUtcNow() + ttl);
    }

    /// <summary>The size <see cref="ResponseCacheOptions.MaxEntryBytes"/> counts for a content other than plain text: its text or data, and an allowance.</summary>
    private static long ApproximateBytes(AIContent content) => EntryOverheadBytes + content switch
    {
        TextContent text => Encoding.UTF8.GetByteCount(text.Text),
        TextReasoningContent reasoning => Encoding.UTF8.GetByteCount(reasoning.Text),
        DataContent data => (data.Data.Length + 2) / 3 * 4,
        FunctionCallContent call => call.Name.Length + (call.Arguments?.Count ?? 0) * EntryOverheadBytes,
        _ => 0,
    };

    private void Publish(CacheLookupResult result, string? source = null)
    {
        if (_flexi is not null)
        {
            var pending = _flexi.PublishCacheLookupAsync(new CacheLookedUp(result, source ?? _backend));
            if (!pending.IsCompletedSuccessfully)
            {
                _ = pending.AsTask();
            }
        }
    }

    /// <summary>One cold-key request's factory state: calls the providers once and keeps the response for the caller that ran it.</summary>
    private sealed class Miss(ResponseCachingChatClient owner, IEnumerable<ChatMessage> messages, ChatOptions? options, TimeSpan ttl, ResponseCacheOptions settings)
    {
        public ChatResponse? Response { get; private set; }

        public async ValueTask<CachedChatResponse> FetchAsync(CancellationToken cancellationToken)
        {
            var response = await owner.InnerClient.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
            Response = response;
            return owner.TryCreateEntry(response, response.TryGetRoute(), ttl, settings) ?? throw new NotCacheableException(response);
        }
    }

    /// <summary>The settings one request uses: the options, the <c>cache</c> section they came from, and the entry options for their TTL.</summary>
    private sealed class Settings(ResponseCacheOptions options, ResponseCacheOptions? section, HybridCacheEntryOptions entry)
    {
        public ResponseCacheOptions Options { get; } = options;

        public ResponseCacheOptions? Section { get; } = section;

        public HybridCacheEntryOptions Entry { get; } = entry;
    }

    /// <summary>Carries an answer that is served but not cached out of HybridCache's factory (to every caller that waited for it).</summary>
    private sealed class NotCacheableException(ChatResponse response) : Exception("The answer is not cacheable.")
    {
        public ChatResponse Response { get; } = response;
    }

    /// <summary>The per-request cache controls read from <see cref="ChatOptions.AdditionalProperties"/>.</summary>
    private readonly record struct RequestControl(bool Bypass, bool Refresh, TimeSpan? Ttl, bool? Nondeterministic, string[]? Tags)
    {
        public static RequestControl Read(ChatOptions? options)
        {
            if (options?.AdditionalProperties is not { Count: > 0 } extra)
            {
                return default;
            }

            return new RequestControl(
                Flag(extra, ResponseCacheControl.BypassKey) ?? false,
                Flag(extra, ResponseCacheControl.RefreshKey) ?? false,
                ReadTtl(extra),
                Flag(extra, ResponseCacheControl.NondeterministicKey),
                ReadTags(extra));
        }

        private static bool? Flag(AdditionalPropertiesDictionary extra, string key) => extra.TryGetValue(key, out var value) ? value switch
        {
            bool b => b,
            string s when bool.TryParse(s, out var b) => b,
            null => null,
            _ => throw new ArgumentException($"ChatOptions.AdditionalProperties[\"{key}\"] must be true or false; it is {value}."),
        } : null;

        private static TimeSpan? ReadTtl(AdditionalPropertiesDictionary extra)
        {
            if (!extra.TryGetValue(ResponseCacheControl.TtlKey, out var value) || value is null)
            {
                return null;
            }

            TimeSpan? ttl = value switch
            {
                TimeSpan t => t,
                int seconds => TimeSpan.FromSeconds(seconds),
                long seconds => TimeSpan.FromSeconds(seconds),
                double seconds => TimeSpan.FromSeconds(seconds),
                string s when ConfigurationText.TryParseDuration(s, allowInfinite: false, out var parsed) => parsed,
                _ => null,
            };
            return ttl is { } positive && positive > TimeSpan.Zero ? positive : throw new ArgumentException(
                $"ChatOptions.AdditionalProperties[\"{ResponseCacheControl.TtlKey}\"] must be a positive TimeSpan, a number of seconds or a duration such as \"10m\"; it is {Convert.ToString(value, CultureInfo.InvariantCulture)}.");
        }

        private static string[]? ReadTags(AdditionalPropertiesDictionary extra) => extra.TryGetValue(ResponseCacheControl.TagsKey, out var value) ? value switch
        {
            string s => [s],
            IEnumerable<string> list => [.. list],
            _ => null,
        } : null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9103, Level = LogLevel.Warning,
            Message = "The reloaded configuration changes {Settings}; the response cache keeps the values it was built with until the application restarts (they choose and size its stores). Its other settings (enabled, ttl, key_prefix, cache_nondeterministic, cache_tool_calls, exclude_providers) apply now.")]
        public static partial void CacheSettingsNeedRestart(ILogger logger, string settings);

        [LoggerMessage(EventId = 9104, Level = LogLevel.Warning,
            Message = "The reloaded configuration enables the response cache with the {Backend} backend, but it was built disabled, without that store; it stays off until the application restarts.")]
        public static partial void CacheCannotEnableWithoutRestart(ILogger logger, string backend);

        [LoggerMessage(EventId = 9105, Level = LogLevel.Information, Message = "The response cache follows the reloaded configuration (enabled {Enabled}, ttl {TtlSeconds} s).")]
        public static partial void CacheSettingsReloaded(ILogger logger, bool enabled, double ttlSeconds);
    }
}
