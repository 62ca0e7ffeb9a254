using FlexiAI.Tests.EndToEnd;
using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FlexiAI.Tests.Caching;

/// <summary>
/// The response cache's memory bound (<c>cache.max_entries</c>) and how it follows a configuration reload, against the emulator:
/// its journal counts what reached the provider.
/// </summary>
public sealed class ResponseCacheLimitsAndReloadTests(EmulatedProvidersFixture fixture) : IClassFixture<EmulatedProvidersFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static ChatMessage[] Question(string text) => [new(ChatRole.User, text)];

    private int Upstream() => fixture.Host["openai"].Journal.Count;

    private FlexiAIOptions Options(Action<ResponseCacheOptions>? configure = null)
    {
        var options = fixture.Options("openai");
        options.Cache = new ResponseCacheOptions { Enabled = true };
        configure?.Invoke(options.Cache);
        return options;
    }

    private static FlexiAIClient Client(FlexiAIOptions options, TimeProvider time, CapturingLoggerProvider? logs = null) =>
        new(options, new FlexiAIClientOptions
        {
            TimeProvider = time,
            EnvironmentVariables = _ => null,
            LoggerFactory = logs is null ? null : LoggerFactory.Create(b => b.AddProvider(logs)),
        });

    [Fact]
    public async Task With_max_entries_the_memory_layer_keeps_at_most_that_many_answers_and_an_evicted_one_is_fetched_again()
    {
        const int Max = 3;
        using var cache = (ResponseCachingChatClient)new ChatClientBuilder(EmulatedProvidersFixture.Client(Options(o => o.MaxEntries = Max))).UseFlexiAICache().Build();

        for (var i = 0; i < 8; i++)
        {
            await cache.GetResponseAsync(Question($"question {i}"), cancellationToken: Token);
            Assert.InRange(cache.MemoryCount, 0, Max);
        }

        Assert.Equal(8, Upstream());

        // At most 3 of the 8 answers are still in memory, so asking all 8 again reaches the provider at least 5 times.
        var hits = 0;
        for (var i = 0; i < 8; i++)
        {
            hits += (await cache.GetResponseAsync(Question($"question {i}"), cancellationToken: Token)).GetRoute().CacheHit ? 1 : 0;
            Assert.InRange(cache.MemoryCount, 0, Max);
        }

        Assert.InRange(hits, 0, Max);
        Assert.Equal(16 - hits, Upstream());
    }

    [Fact]
    public async Task Many_distinct_answers_keep_the_memory_layer_bounded()
    {
        using var cache = (ResponseCachingChatClient)new ChatClientBuilder(EmulatedProvidersFixture.Client(Options(o => o.MaxEntries = 5))).UseFlexiAICache().Build();
        await Parallel.ForAsync(0, 60, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Token }, async (i, ct) =>
            await cache.GetResponseAsync(Question($"distinct {i}"), cancellationToken: ct));

        Assert.Equal(60, Upstream());
        Assert.InRange(cache.MemoryCount, 0, 5);
        Assert.Equal(ResponseCacheOptions.DefaultMaxEntries, new ResponseCacheOptions().MaxEntries);
    }

    [Fact]
    public void A_cache_built_in_code_with_a_bad_max_entries_fails_naming_the_setting_and_the_fix()
    {
        using var flexi = EmulatedProvidersFixture.Client(Options());

        var error = Assert.Throws<ConfigurationException>(() => new ResponseCachingChatClient(flexi, new ResponseCacheOptions { Enabled = true, MaxEntries = -1 }));
        var viaBuilder = Assert.Throws<ConfigurationException>(() => new ChatClientBuilder(flexi).UseFlexiAICache(o => o.MaxEntries = 0).Build());

        Assert.Contains(error.Errors, e => e.Path == "cache.max_entries" && e.Message.Contains("e.g. 10000", StringComparison.Ordinal));
        Assert.Contains(viaBuilder.Errors, e => e.Path == "cache.max_entries");
    }

    [Fact]
    public async Task An_answer_larger_than_max_entry_bytes_is_served_but_not_kept_in_memory()
    {
        using var cache = (ResponseCachingChatClient)new ChatClientBuilder(EmulatedProvidersFixture.Client(Options(o => o.MaxEntryBytes = 8))).UseFlexiAICache().Build();

        var first = await cache.GetResponseAsync(Question("large"), cancellationToken: Token);
        var second = await cache.GetResponseAsync(Question("large"), cancellationToken: Token);

        Assert.True(first.Text.Length > 8);
        Assert.Equal(first.Text, second.Text);
        Assert.False(second.GetRoute().CacheHit);
        Assert.Equal(2, Upstream());
        Assert.Equal(0, cache.MemoryCount);
    }

    [Fact]
    public async Task A_reload_switches_the_cache_off_and_on_and_changes_its_ttl_for_new_requests()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var options = Options(o => o.Ttl = TimeSpan.FromMinutes(10));
        using var cache = (ResponseCachingChatClient)new ChatClientBuilder(Client(options, time)).UseFlexiAICache().Build();
        var flexi = cache.GetService<FlexiAIClient>()!;

        await cache.GetResponseAsync(Question("a"), cancellationToken: Token);
        Assert.True((await cache.GetResponseAsync(Question("a"), cancellationToken: Token)).GetRoute().CacheHit);
        Assert.Equal(1, Upstream());

        options.Cache!.Enabled = false;
        await flexi.ReloadAsync(options, Token);
        Assert.False(cache.Options.Enabled);
        Assert.False((await cache.GetResponseAsync(Question("a"), cancellationToken: Token)).GetRoute().CacheHit);
        Assert.Equal(2, Upstream());

        options.Cache.Enabled = true;
        options.Cache.Ttl = TimeSpan.FromMinutes(1);
        await flexi.ReloadAsync(options, Token);
        Assert.Equal(TimeSpan.FromMinutes(1), cache.Options.Ttl);
        await cache.GetResponseAsync(Question("b"), cancellationToken: Token);
        Assert.True((await cache.GetResponseAsync(Question("a"), cancellationToken: Token)).GetRoute().CacheHit); // kept while it was off
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.False((await cache.GetResponseAsync(Question("b"), cancellationToken: Token)).GetRoute().CacheHit); // the new 1-minute TTL
        Assert.Equal(4, Upstream());
    }

    [Fact]
    public async Task A_reload_changes_what_is_cached_nondeterministic_requests_and_excluded_providers()
    {
        var options = Options();
        using var cache = (ResponseCachingChatClient)new ChatClientBuilder(Client(options, TimeProvider.System)).UseFlexiAICache().Build();
        var flexi = cache.GetService<FlexiAIClient>()!;
        var warm = new ChatOptions { Temperature = 0.7f };

        await cache.GetResponseAsync(Question("warm"), warm, Token);
        await cache.GetResponseAsync(Question("warm"), warm, Token);
        Assert.Equal(2, Upstream());

        options.Cache!.CacheNondeterministic = true;
        await flexi.ReloadAsync(options, Token);
        await cache.GetResponseAsync(Question("warm"), warm, Token);
        Assert.True((await cache.GetResponseAsync(Question("warm"), warm, Token)).GetRoute().CacheHit);
        Assert.Equal(3, Upstream());

        options.Cache.ExcludedProviders.Add("openai");
        await flexi.ReloadAsync(options, Token);
        await cache.GetResponseAsync(Question("excluded"), cancellationToken: Token);
        await cache.GetResponseAsync(Question("excluded"), cancellationToken: Token);
        Assert.Equal(5, Upstream());
    }

    [Fact]
    public async Task A_reload_that_changes_the_store_settings_keeps_them_and_warns_that_a_restart_is_needed()
    {
        var logs = new CapturingLoggerProvider();
        var options = Options(o => o.MaxEntries = 100);
        using var cache = (ResponseCachingChatClient)new ChatClientBuilder(Client(options, TimeProvider.System, logs)).UseFlexiAICache().Build();
        var flexi = cache.GetService<FlexiAIClient>()!;

        options.Cache!.MaxEntries = 5;
        options.Cache.Backend = CacheBackend.Redis;
        options.Cache.RedisConnectionString = "localhost:1";
        options.Cache.Ttl = TimeSpan.FromMinutes(7);
        await flexi.ReloadAsync(options, Token);
        await cache.GetResponseAsync(Question("after"), cancellationToken: Token);
        Assert.True((await cache.GetResponseAsync(Question("after"), cancellationToken: Token)).GetRoute().CacheHit);

        Assert.Equal(CacheBackend.Memory, cache.Options.Backend);
        Assert.Equal(100, cache.Options.MaxEntries);
        Assert.Equal(TimeSpan.FromMinutes(7), cache.Options.Ttl);
        var warning = Assert.Single(logs.Lines, l => l.StartsWith("Warning:", StringComparison.Ordinal) && l.Contains("restarts", StringComparison.Ordinal));
        Assert.Contains("cache.backend", warning, StringComparison.Ordinal);
        Assert.Contains("cache.max_entries", warning, StringComparison.Ordinal);
        Assert.Contains("cache.redis_connection_string", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("cache.ttl", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_given_in_code_do_not_follow_a_reload()
    {
        var options = Options();
        using var cache = new ResponseCachingChatClient(Client(options, TimeProvider.System), new ResponseCacheOptions { Enabled = true });
        var flexi = cache.GetService<FlexiAIClient>()!;

        options.Cache!.Enabled = false;
        await flexi.ReloadAsync(options, Token);
        await cache.GetResponseAsync(Question("code"), cancellationToken: Token);

        Assert.True((await cache.GetResponseAsync(Question("code"), cancellationToken: Token)).GetRoute().CacheHit);
        Assert.Equal(1, Upstream());
    }

    [Fact]
    public async Task AddFlexiAI_follows_a_reloaded_section_that_turns_the_cache_on()
    {
        var provider = fixture.Options("openai").Providers[0];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FlexiAI:providers:0:name"] = "openai",
            ["FlexiAI:providers:0:type"] = "openai",
            ["FlexiAI:providers:0:model"] = provider.Model,
            ["FlexiAI:providers:0:api_key"] = provider.ApiKey,
            ["FlexiAI:providers:0:base_url"] = provider.BaseUrl!.ToString(),
            ["FlexiAI:retry:max_attempts"] = "1",
            ["FlexiAI:cache:enabled"] = "false",
        }).Build();
        var services = new ServiceCollection();
        services.AddFlexiAI(configuration.GetSection("FlexiAI"));
        await using var container = services.BuildServiceProvider();
        var ai = container.GetRequiredService<IChatClient>();
        var flexi = container.GetRequiredService<FlexiAIClient>();

        await ai.GetResponseAsync(Question("di"), cancellationToken: Token);
        await ai.GetResponseAsync(Question("di"), cancellationToken: Token);
        Assert.Equal(2, Upstream());

        configuration["FlexiAI:cache:enabled"] = "true";
        configuration.Reload();
        await TestClients.Until(() => flexi.CurrentCacheOptions?.Enabled == true);
        await ai.GetResponseAsync(Question("di"), cancellationToken: Token);
        Assert.True((await ai.GetResponseAsync(Question("di"), cancellationToken: Token)).GetRoute().CacheHit);
        Assert.Equal(3, Upstream());
    }
}
