using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
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
public sealed class ResponseCachingChatClient : DelegatingChatClient
{
    private const int ReplayChunk = 64;

    private readonly ResponseCacheOptions _options;
    private readonly HybridCache _cache;
    private readonly ServiceProvider _services;
    private readonly IDisposable? _ownedStore;
    private readonly TimeProvider _time;
    private readonly FlexiAIClient? _flexi;
    private readonly string _backend;
    private readonly HybridCacheEntryFlags _localFlags;
    private readonly HybridCacheEntryOptions _entryOptions;
    private readonly HybridCacheEntryOptions _readOnly;

    /// <summary>Initializes a new instance of the <see cref="ResponseCachingChatClient"/> class.</summary>
    /// <param name="innerClient">The client to cache, normally a <see cref="FlexiAIClient"/> (then its clock, logger and metrics are used).</param>
    /// <param name="options">The settings; <see langword="null"/> uses the inner <see cref="FlexiAIClient"/>'s <c>cache</c> section, else an enabled memory cache.</param>
    /// <param name="distributedCache">The distributed store behind the memory layer (what <c>FlexiAI.Redis</c> passes), or <see langword="null"/> for memory only.</param>
    /// <param name="timeProvider">The clock for expiry; <see langword="null"/> uses the inner FlexiAIClient's, else the system clock.</param>
    /// <param name="loggerFactory">Logging; <see langword="null"/> uses the inner FlexiAIClient's logger.</param>
    /// <exception cref="InvalidOperationException"><see cref="ResponseCacheOptions.Backend"/> is Redis but no distributed store was given.</exception>
    public ResponseCachingChatClient(IChatClient innerClient, ResponseCacheOptions? options = null, IDistributedCache? distributedCache = null,
        TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : this(innerClient, options, distributedCache, timeProvider, loggerFactory, ownedStore: null)
    {
    }

    internal ResponseCachingChatClient(IChatClient innerClient, ResponseCacheOptions? options, IDistributedCache? distributedCache,
        TimeProvider? timeProvider, ILoggerFactory? loggerFactory, IDisposable? ownedStore)
        : base(innerClient)
    {
        _flexi = innerClient.GetService(typeof(FlexiAIClient)) as FlexiAIClient;
        _options = (options ?? _flexi?.CacheOptions ?? new ResponseCacheOptions { Enabled = true }).Clone();
        if (_options.Backend == CacheBackend.Redis && distributedCache is null && _options.Enabled)
        {
            throw new InvalidOperationException(RedisMissingMessage);
        }

        _time = timeProvider ?? _flexi?.Time ?? TimeProvider.System;
        var logger = loggerFactory?.CreateLogger("FlexiAI.Cache") ?? _flexi?.Logger ?? NullLogger.Instance;
        _backend = distributedCache is null ? "memory" : ConfigurationText.ToSnakeCase(_options.Backend.ToString());
        _ownedStore = ownedStore;
        _localFlags = distributedCache is not null && !_options.MemoryLayer ? HybridCacheEntryFlags.DisableLocalCache : HybridCacheEntryFlags.None;
        _entryOptions = EntryOptions(_options.Ttl);
        _readOnly = new HybridCacheEntryOptions { Flags = HybridCacheEntryFlags.DisableUnderlyingData | _localFlags };

        var services = new ServiceCollection();
        services.AddSingleton(_time);
        services.AddSingleton<ILoggerFactory>(loggerFactory ?? NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        if (distributedCache is not null)
        {
            services.AddSingleton<IDistributedCache>(new GuardedDistributedCache(distributedCache, _options, _time, logger, _backend,
                () => Publish(CacheLookupResult.StoreError)));
        }

        services.AddHybridCache(o =>
        {
            o.MaximumPayloadBytes = _options.MaxEntryBytes;
            o.MaximumKeyLength = 2048;
            o.DefaultEntryOptions = _entryOptions;
        }).AddSerializer(CachedChatResponseSerializer.Instance);
        _services = services.BuildServiceProvider();
        _cache = _services.GetRequiredService<HybridCache>();
    }

    /// <summary>The message of the error raised when the configuration asks for Redis and the FlexiAI.Redis package is not in use.</summary>
    internal static string RedisMissingMessage =>
        "cache.backend is \"redis\", but no Redis store was given. Add the FlexiAI.Redis package (dotnet add package FlexiAI.Redis) and build the client with "
        + "new ChatClientBuilder(flexiAIClient).UseFlexiAIRedisCache() (or services.AddFlexiAIRedisCache() next to AddFlexiAI), or set cache.backend to \"memory\".";

    /// <summary>Gets the settings in force (a copy of those given).</summary>
    public ResponseCacheOptions Options => _options.Clone();

    /// <summary>Computes the cache key of a request, e.g. for <see cref="InvalidateAsync"/>; <see langword="null"/> when the request cannot be cached.</summary>
    /// <param name="messages">The request's messages.</param>
    /// <param name="options">The request's options.</param>
    /// <returns>The key (the configured prefix and a SHA-256 of the request), or <see langword="null"/>.</returns>
    public string? GetCacheKey(IEnumerable<ChatMessage> messages, ChatOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return ResponseCacheKey.Compute(messages, options, _options.KeyPrefix);
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
        var control = RequestControl.Read(options);
        var key = Key(messages, options, control);
        if (key is null)
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }

        var start = _time.GetTimestamp();
        if (!control.Refresh)
        {
            var miss = new Miss(this, messages, options, control.Ttl ?? _options.Ttl);
            CachedChatResponse entry;
            try
            {
                entry = await _cache.GetOrCreateAsync(key, miss, static (m, ct) => m.FetchAsync(ct), EntryOptionsFor(control), control.Tags, cancellationToken).ConfigureAwait(false);
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
        if (TryCreateEntry(response, response.TryGetRoute(), control.Ttl ?? _options.Ttl) is { } created)
        {
            await _cache.SetAsync(key, created, EntryOptionsFor(control), control.Tags, cancellationToken).ConfigureAwait(false);
        }

        return response;
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var control = RequestControl.Read(options);
        var key = Key(messages, options, control);
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
        if (TryCreateEntry(updates.ToChatResponse(), route, control.Ttl ?? _options.Ttl) is { } created)
        {
            await _cache.SetAsync(key, created, EntryOptionsFor(control), control.Tags, cancellationToken).ConfigureAwait(false);
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

    private HybridCacheEntryOptions EntryOptionsFor(RequestControl control) => control.Ttl is { } ttl ? EntryOptions(ttl) : _entryOptions;

    private string? Key(IEnumerable<ChatMessage> messages, ChatOptions? options, RequestControl control)
    {
        if (!_options.Enabled)
        {
            return null;
        }

        if (control.Bypass
            || options?.ConversationId is not null // the answer depends on state kept by the provider
            || (options?.Temperature is { } t && t != 0f && !(control.Nondeterministic ?? _options.CacheNondeterministic)))
        {
            Publish(CacheLookupResult.Bypass);
            return null;
        }

        var key = ResponseCacheKey.Compute(messages, options, _options.KeyPrefix);
        if (key is null)
        {
            Publish(CacheLookupResult.Bypass);
        }

        return key;
    }

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
    private CachedChatResponse? TryCreateEntry(ChatResponse response, RouteReport? route, TimeSpan ttl)
    {
        var finish = response.FinishReason;
        var complete = finish == ChatFinishReason.Stop || finish == ChatFinishReason.Length || (finish == ChatFinishReason.ToolCalls && _options.CacheToolCalls);
        if (!complete || response.Messages.Count == 0)
        {
            return null;
        }

        if (route?.Provider is { } provider && _options.ExcludedProviders.Contains(provider))
        {
            return null;
        }

        var messages = new ChatMessage[response.Messages.Count];
        for (var i = 0; i < messages.Length; i++)
        {
            var message = response.Messages[i];
            var contents = new List<AIContent>(message.Contents.Count);
            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case ErrorContent:
                        return null;
                    case FunctionCallContent when !_options.CacheToolCalls:
                        return null;
                    case UsageContent:
                        continue;
                    case TextContent text when content.GetType() == typeof(TextContent):
                        contents.Add(new TextContent(text.Text));
                        break;
                    default:
                        contents.Add(content);
                        break;
                }
            }

            messages[i] = new ChatMessage(message.Role, contents) { AuthorName = message.AuthorName, MessageId = message.MessageId };
        }

        return new CachedChatResponse(messages, finish?.Value, response.ModelId, response.ResponseId, response.CreatedAt, response.Usage ?? route?.Usage,
            route?.Provider, route?.Model, route?.Cost?.Total, _time.GetUtcNow() + ttl);
    }

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
    private sealed class Miss(ResponseCachingChatClient owner, IEnumerable<ChatMessage> messages, ChatOptions? options, TimeSpan ttl)
    {
        public ChatResponse? Response { get; private set; }

        public async ValueTask<CachedChatResponse> FetchAsync(CancellationToken cancellationToken)
        {
            var response = await owner.InnerClient.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
            Response = response;
            return owner.TryCreateEntry(response, response.TryGetRoute(), ttl) ?? throw new NotCacheableException(response);
        }
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
}
