using FlexiAI.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlexiAI.Redis.Tests.Caching;

/// <summary>The response cache on a real redis-server (its own, on a free port): shared by instances, surviving Redis going away.</summary>
public sealed class RedisResponseCacheTests : IAsyncLifetime
{
    private const string Key = "emulator-key-0123456789";
    private EmulatorHost _host = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static ChatMessage[] Question(string text = "What is the capital of France?") => [new(ChatRole.User, text)];

    public async ValueTask InitializeAsync()
    {
        var options = EmulatorOptions.Standard();
        foreach (var instance in options.Instances)
        {
            instance.ApiKey = Key;
        }

        _host = await EmulatorHost.StartAsync(options);
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private int Upstream => _host["openai"].Journal.Count;

    private FlexiAIOptions Options(RedisServer redis, string prefix)
    {
        var options = new FlexiAIOptions();
        options.Retry.MaxAttempts = 1;
        options.Providers.Add(new ProviderOptions { Name = "openai", Type = "openai", Model = "gpt-5.4-mini", ApiKey = Key, BaseUrl = _host["openai"].BaseUrl });
        options.Cache = new ResponseCacheOptions
        {
            Enabled = true,
            Backend = CacheBackend.Redis,
            RedisConnectionString = redis.ConnectionString,
            KeyPrefix = prefix,
            StoreRetryInterval = TimeSpan.FromMilliseconds(100),
        };
        return options;
    }

    private static (IChatClient Cache, FlexiAIClient Flexi) Instance(FlexiAIOptions options, ILoggerFactory? logging = null)
    {
        var flexi = new FlexiAIClient(options, new FlexiAIClientOptions { EnvironmentVariables = _ => null, LoggerFactory = logging });
        return (new ChatClientBuilder(flexi).UseFlexiAIRedisCache().Build(), flexi);
    }

    [Fact]
    public async Task An_answer_cached_by_one_instance_is_a_hit_from_redis_on_another_with_its_route()
    {
        await using var redis = await RedisServer.StartAsync(Token);
        var prefix = $"t{Guid.NewGuid():N}:";
        var (a, _) = Instance(Options(redis, prefix));
        var (b, flexiB) = Instance(Options(redis, prefix));
        using var _a = a;
        using var _b = b;

        var first = await a.GetResponseAsync(Question(), cancellationToken: Token);
        await WrittenAsync(redis, ((ResponseCachingChatClient)a).GetCacheKey(Question())!); // HybridCache writes Redis just after answering

        var fromRedis = await b.GetResponseAsync(Question(), cancellationToken: Token);
        var fromMemory = await b.GetResponseAsync(Question(), cancellationToken: Token);
        var streamed = await b.GetStreamingResponseAsync(Question(), cancellationToken: Token).ToListAsync(Token);

        Assert.Equal(1, Upstream);
        Assert.Equal(first.Text, fromRedis.Text);
        var route = fromRedis.GetRoute();
        Assert.True(route.CacheHit);
        Assert.Equal("redis", route.CacheSource);
        Assert.Equal("openai", route.Provider);
        Assert.Equal(first.GetRoute().Model, route.Model);
        Assert.Equal(first.GetRoute().Cost?.Total, route.CostSaved);
        Assert.Empty(route.Attempts);
        Assert.Equal("memory", fromMemory.GetRoute().CacheSource);
        Assert.Equal(first.Text, streamed.ToChatResponse().Text);
        Assert.True(streamed[^1].GetRoute().CacheHit);
        Assert.Equal(3, flexiB.GetMetrics().CacheHits);
    }

    [Fact]
    public async Task Without_the_memory_layer_every_hit_reads_redis_so_an_invalidation_elsewhere_shows_at_once()
    {
        await using var redis = await RedisServer.StartAsync(Token);
        var prefix = $"t{Guid.NewGuid():N}:";
        var optionsB = Options(redis, prefix);
        optionsB.Cache!.MemoryLayer = false;
        var (a, _) = Instance(Options(redis, prefix));
        var (b, _) = Instance(optionsB);
        using var _a = a;
        using var _b = b;

        await b.GetResponseAsync(Question(), cancellationToken: Token);
        await WrittenAsync(redis, ((ResponseCachingChatClient)b).GetCacheKey(Question())!);
        var hit1 = await b.GetResponseAsync(Question(), cancellationToken: Token);
        var hit2 = await b.GetResponseAsync(Question(), cancellationToken: Token);
        await ((ResponseCachingChatClient)a).InvalidateAsync(((ResponseCachingChatClient)a).GetCacheKey(Question())!, Token);
        var afterInvalidation = await b.GetResponseAsync(Question(), cancellationToken: Token);

        Assert.Equal("redis", hit1.GetRoute().CacheSource);
        Assert.Equal("redis", hit2.GetRoute().CacheSource);
        Assert.False(afterInvalidation.GetRoute().CacheHit);
        Assert.Equal(2, Upstream);
    }

    [Fact]
    public async Task With_redis_stopped_requests_are_still_answered_and_after_it_returns_answers_are_cached_again()
    {
        await using var redis = await RedisServer.StartAsync(Token);
        var prefix = $"t{Guid.NewGuid():N}:";
        using var logging = new CountingLoggerFactory();
        var (a, flexiA) = Instance(Options(redis, prefix), logging);
        var (b, _) = Instance(Options(redis, prefix));
        using var _a = a;
        using var _b = b;
        await a.GetResponseAsync(Question("warm"), cancellationToken: Token); // connects

        await redis.StopAsync();
        var started = Environment.TickCount64;
        var whileDown1 = await a.GetResponseAsync(Question("while down"), cancellationToken: Token);
        var whileDown2 = await a.GetResponseAsync(Question("while down, again"), cancellationToken: Token);
        Assert.StartsWith("Hello from openai", whileDown1.Text, StringComparison.Ordinal);
        Assert.StartsWith("Hello from openai", whileDown2.Text, StringComparison.Ordinal);
        Assert.True(Environment.TickCount64 - started < 3000, "an unreachable Redis must not hold requests up");
        Assert.True(flexiA.GetMetrics().CacheStoreErrors >= 1);
        Assert.Equal(1, logging.Warnings);

        await redis.RestartAsync(Token);
        // Redis is back: within a bounded time a new answer written by A is read from Redis by B.
        var deadline = Environment.TickCount64 + 15_000;
        var round = 0;
        while (true)
        {
            var question = Question($"after restart {round++}");
            await a.GetResponseAsync(question, cancellationToken: Token);
            await WrittenAsync(redis, ((ResponseCachingChatClient)a).GetCacheKey(question)!, timeoutMs: 500, required: false);
            var fromB = await b.GetResponseAsync(question, cancellationToken: Token);
            if (fromB.GetRoute() is { CacheHit: true, CacheSource: "redis" })
            {
                break;
            }

            Assert.True(Environment.TickCount64 < deadline, "the cache did not use Redis again within 15 s of its return");
            await Task.Delay(100, Token);
        }

        Assert.Equal(1, logging.Warnings);
    }

    [Fact]
    public async Task A_configured_redis_backend_works_through_AddFlexiAI_with_AddFlexiAIRedisCache()
    {
        await using var redis = await RedisServer.StartAsync(Token);
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FlexiAI:providers:0:name"] = "openai",
            ["FlexiAI:providers:0:type"] = "openai",
            ["FlexiAI:providers:0:model"] = "gpt-5.4-mini",
            ["FlexiAI:providers:0:api_key"] = Key,
            ["FlexiAI:providers:0:base_url"] = _host["openai"].BaseUrl.ToString(),
            ["FlexiAI:retry:max_attempts"] = "1",
            ["FlexiAI:cache:backend"] = "redis",
            ["FlexiAI:cache:redis_connection_string"] = redis.ConnectionString,
            ["FlexiAI:cache:key_prefix"] = $"t{Guid.NewGuid():N}:",
        }).Build();
        var services = new ServiceCollection();
        services.AddFlexiAI(config.GetSection("FlexiAI")).AddFlexiAIRedisCache();
        await using var provider = services.BuildServiceProvider();
        var chat = provider.GetRequiredService<IChatClient>();

        await chat.GetResponseAsync(Question(), cancellationToken: Token);
        var hit = await chat.GetResponseAsync(Question(), cancellationToken: Token);

        Assert.IsType<ResponseCachingChatClient>(chat);
        Assert.True(hit.GetRoute().CacheHit);
        Assert.Equal(1, Upstream);
    }

    [Fact]
    public async Task A_configured_redis_backend_without_AddFlexiAIRedisCache_fails_naming_the_fix()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FlexiAI:providers:0:name"] = "openai",
            ["FlexiAI:providers:0:type"] = "openai",
            ["FlexiAI:providers:0:model"] = "gpt-5.4-mini",
            ["FlexiAI:providers:0:api_key"] = Key,
            ["FlexiAI:providers:0:base_url"] = _host["openai"].BaseUrl.ToString(),
            ["FlexiAI:cache:backend"] = "redis",
            ["FlexiAI:cache:redis_connection_string"] = "127.0.0.1:1",
        }).Build();
        var services = new ServiceCollection();
        services.AddFlexiAI(config.GetSection("FlexiAI"));
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IChatClient>());

        Assert.Contains("AddFlexiAIRedisCache", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Waits (bounded) until <paramref name="key"/> is in Redis.</summary>
    private static async Task WrittenAsync(RedisServer redis, string key, int timeoutMs = 5000, bool required = true)
    {
        await using var mux = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var db = mux.GetDatabase();
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!await db.KeyExistsAsync(key))
        {
            if (Environment.TickCount64 > deadline)
            {
                Assert.False(required, $"{key} was not written to Redis within {timeoutMs} ms");
                return;
            }

            await Task.Delay(10, Token);
        }
    }

    private sealed class CountingLoggerFactory : ILoggerFactory, ILogger
    {
        private int _warnings;

        public int Warnings => Volatile.Read(ref _warnings);

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public ILogger CreateLogger(string categoryName) => this;

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning && eventId.Id == 9101)
            {
                Interlocked.Increment(ref _warnings);
            }
        }
    }
}
