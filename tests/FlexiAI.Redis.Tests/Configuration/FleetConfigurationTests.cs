using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FlexiAI.Redis.Tests.Configuration;

/// <summary>circuit_breaker.store and rate_limit: binding, validation with paths, the error without the package, masking, and the local rate-limit gate.</summary>
public sealed class FleetConfigurationTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static FlexiAIOptions Load(string json) => FlexiAIConfiguration.LoadJson(new MemoryStream(Encoding.UTF8.GetBytes(json)));

    private static FlexiAIOptions TwoProviders(CountingClient primary, CountingClient backup)
    {
        var options = new FlexiAIOptions();
        options.Providers.Add(new ProviderOptions { Name = "primary", Model = "m", Priority = 1, ChatClient = primary });
        options.Providers.Add(new ProviderOptions { Name = "backup", Model = "m", Priority = 2, ChatClient = backup });
        options.Retry.MaxAttempts = 1;
        return options;
    }

    [Fact]
    public void The_configuration_binds_the_store_and_rate_limits_at_both_levels()
    {
        var options = Load("""
            {
              "providers": [ { "name": "openai", "model": "gpt-4o-mini", "api_key": "sk-x", "rate_limit": { "requests_per_minute": 60, "tokens_per_minute": 90000, "max_wait": "2s" } } ],
              "rate_limit": { "requests_per_minute": 600 },
              "circuit_breaker": { "store": { "type": "redis", "connection": "redis1:6379,password=hunter2", "prefix": "orders-api" } }
            }
            """);

        Assert.Equal("redis", options.CircuitBreaker.Store!.Type);
        Assert.Equal("orders-api", options.CircuitBreaker.Store.EffectivePrefix);
        Assert.Equal(60, options.Providers[0].RateLimit!.RequestsPerMinute);
        Assert.Equal(90000, options.Providers[0].RateLimit!.TokensPerMinute);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Providers[0].RateLimit!.MaxWait);
        Assert.Equal(600, options.RateLimit!.RequestsPerMinute);
        Assert.Empty(FlexiAIConfiguration.Validate(options));
        Assert.Equal("redis1:6379,password=hunter2", options.Clone().CircuitBreaker.Store!.Connection);
    }

    [Fact]
    public void Bad_store_and_rate_limit_settings_are_reported_with_their_paths()
    {
        var options = Load("""
            {
              "providers": [ { "name": "openai", "model": "gpt-4o-mini", "api_key": "sk-x", "rate_limit": { "requests_per_minute": 0, "max_wait": "5m" } } ],
              "rate_limit": { },
              "circuit_breaker": { "store": { "type": "redis", "prefix": "has space" } }
            }
            """);

        var errors = FlexiAIConfiguration.Validate(options).ToDictionary(e => e.Path, e => e.Message);
        Assert.Contains("providers[0].rate_limit.requests_per_minute", errors.Keys);
        Assert.Contains("providers[0].rate_limit.max_wait", errors.Keys);
        Assert.Contains("rate_limit", errors.Keys);
        Assert.Contains("circuit_breaker.store.connection", errors.Keys);
        Assert.Contains("circuit_breaker.store.prefix", errors.Keys);
        Assert.Throws<ConfigurationException>(() => Load("""{ "providers": [ { "name": "a", "model": "m", "rate_limit": { "rpm_typo": 1 } } ] }"""));
    }

    [Fact]
    public void A_configuration_naming_redis_without_the_package_fails_saying_what_to_add()
    {
        var options = TwoProviders(new CountingClient(), new CountingClient());
        options.CircuitBreaker.Store = new CircuitStoreOptions { Type = "redis", Connection = "localhost:6379,password=hunter2" };

        var error = Assert.Throws<ConfigurationException>(() => new FlexiAIClient(options, new FlexiAIClientOptions()));
        Assert.Contains("circuit_breaker.store.type", error.Message, StringComparison.Ordinal);
        Assert.Contains("FlexiAI.Redis", error.Message, StringComparison.Ordinal);
        Assert.Contains("UseRedis()", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Connection_passwords_are_masked_in_every_text()
    {
        var store = new CircuitStoreOptions { Type = "redis", Connection = "redis1:6379,password=hunter2,ssl=true", Prefix = "p" };
        Assert.Equal("redis redis1:6379,password=***,ssl=true (prefix p)", store.ToString());
        Assert.Equal("rediss://***@host:6380", CircuitStoreOptions.MaskConnection("rediss://user:hunter2@host:6380"));

        var error = Assert.Throws<ConfigurationException>(() => RedisStoreFactory.ParseConnection("password=hunter2"));
        Assert.Contains("circuit_breaker.store.connection", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rate_limited_provider_is_skipped_with_a_retry_time_and_the_next_one_answers_until_the_window_moves()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-27T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var primary = new CountingClient();
        var backup = new CountingClient();
        var options = TwoProviders(primary, backup);
        options.Providers[0].RateLimit = new RateLimitOptions { RequestsPerMinute = 2 };
        using var client = new FlexiAIClient(options, new FlexiAIClientOptions { TimeProvider = time });

        await client.GetResponseAsync("one", cancellationToken: Token);
        await client.GetResponseAsync("two", cancellationToken: Token);
        var third = await client.GetResponseAsync("three", cancellationToken: Token);

        Assert.Equal(2, primary.Calls);
        Assert.Equal(1, backup.Calls);
        var skipped = third.GetRoute().Attempts[0];
        Assert.Equal("primary", skipped.Provider);
        Assert.Equal(AttemptOutcome.Skipped, skipped.Outcome);
        Assert.Equal("rate limit: 2 requests/min", skipped.SkipReason);
        Assert.Equal(CircuitState.Closed, client.GetProviderStatus()[0].State); // a skip never counts toward the breaker

        time.Advance(TimeSpan.FromSeconds(61));
        await client.GetResponseAsync("four", cancellationToken: Token);
        Assert.Equal(3, primary.Calls);
    }

    [Fact]
    public async Task With_max_wait_a_request_waits_for_room_instead_of_skipping()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-27T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var primary = new CountingClient();
        var backup = new CountingClient();
        var options = TwoProviders(primary, backup);
        options.RateLimit = new RateLimitOptions { RequestsPerMinute = 1, MaxWait = TimeSpan.FromSeconds(60) };
        options.RequestTimeout = Timeout.InfiniteTimeSpan;
        using var client = new FlexiAIClient(options, new FlexiAIClientOptions { TimeProvider = time });
        await client.GetResponseAsync("one", cancellationToken: Token);

        var waiting = client.GetResponseAsync("two", cancellationToken: Token);
        Assert.False(waiting.IsCompleted);
        for (var i = 0; i < 20 && !waiting.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(10, Token);
        }

        var response = await waiting.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.Equal("primary", response.GetRoute().Provider);
        Assert.Equal(2, primary.Calls);
        Assert.Equal(0, backup.Calls);
    }

    [Fact]
    public async Task UseRedis_in_a_service_container_makes_the_client_share_state_through_redis()
    {
        await using var server = await RedisServer.StartAsync(Token);
        var services = new ServiceCollection();
        services.AddFlexiAI(o =>
        {
            o.Providers.Add(new ProviderOptions { Name = "primary", Model = "m", ChatClient = new CountingClient() });
        }).UseRedis(server.ConnectionString, "di-app");
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<FlexiAIClient>();

        Assert.NotNull(client.SharedStore);
        Assert.True(client.SharedStore!.IsAvailable);
        Assert.Contains("prefix di-app", client.SharedStore.Description, StringComparison.Ordinal);
        await client.TripCircuitBreakerAsync("primary", Token);
        using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        Assert.True(await redis.GetDatabase().KeyExistsAsync("di-app:circuit:primary"));
    }

    [Fact]
    public async Task A_client_whose_redis_is_down_at_start_serves_requests_and_reports_the_store_unavailable()
    {
        var options = TwoProviders(new CountingClient(), new CountingClient());
        options.UseRedis($"127.0.0.1:{FreePort()},connectTimeout=200", "down");
        using var factory = new RedisStoreFactory();
        using var client = new FlexiAIClient(options, new FlexiAIClientOptions().UseRedis(factory));

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("primary", (await client.GetResponseAsync("hi", cancellationToken: Token)).GetRoute().Provider);
        }

        await client.TripCircuitBreakerAsync("primary", Token); // a store call: fails open to the local state
        Assert.False(client.SharedStore!.IsAvailable);
        Assert.Equal("backup", (await client.GetResponseAsync("hi", cancellationToken: Token)).GetRoute().Provider);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class CountingClient : IChatClient
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
