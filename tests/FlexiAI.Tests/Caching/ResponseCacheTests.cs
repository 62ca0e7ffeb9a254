using System.Diagnostics.Metrics;
using FlexiAI.Emulator;
using FlexiAI.Tests.EndToEnd;
using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace FlexiAI.Tests.Caching;

/// <summary>The response cache against the emulator: the journals prove what reached a provider.</summary>
public sealed class ResponseCacheTests(EmulatedProvidersFixture fixture) : IClassFixture<EmulatedProvidersFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static ChatMessage[] Question(string text = "What is the capital of France?") => [new(ChatRole.User, text)];

    private (ResponseCachingChatClient Cache, FlexiAIClient Flexi) Create(FakeTimeProvider? time = null, Action<ResponseCacheOptions>? configure = null, params string[] order)
    {
        var options = fixture.Options(order.Length == 0 ? ["openai"] : order);
        options.Cache = new ResponseCacheOptions { Enabled = true };
        configure?.Invoke(options.Cache);
        var flexi = EmulatedProvidersFixture.Client(options, time);
        var cache = (ResponseCachingChatClient)new ChatClientBuilder(flexi).UseFlexiAICache().Build();
        return (cache, flexi);
    }

    private int Upstream(string kind = "openai") => fixture.Host[kind].Journal.Count;

    [Fact]
    public async Task A_second_identical_request_reaches_no_provider_and_its_route_says_cache_hit()
    {
        var (cache, flexi) = Create();
        using var _ = cache;

        var first = await cache.GetResponseAsync(Question(), cancellationToken: Token);
        var second = await cache.GetResponseAsync(Question(), cancellationToken: Token);

        Assert.Equal(1, Upstream());
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(first.FinishReason, second.FinishReason);
        Assert.False(first.GetRoute().CacheHit);
        var route = second.GetRoute();
        Assert.True(route.CacheHit);
        Assert.Equal("memory", route.CacheSource);
        Assert.Equal("openai", route.Provider);
        Assert.Equal(first.GetRoute().Model, route.Model);
        Assert.Empty(route.Attempts);
        Assert.Null(route.Cost);
        Assert.Equal(first.GetRoute().Cost?.Total, route.CostSaved);
        Assert.NotNull(route.CostSaved);
        Assert.Contains("[cache:memory]", route.ToString(), StringComparison.Ordinal);
        var metrics = flexi.GetMetrics();
        Assert.Equal(1, metrics.CacheHits);
        Assert.Equal(1, metrics.CacheMisses);
        Assert.Contains("\"hits\": 1", metrics.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hit_does_not_share_objects_with_the_cache_so_a_caller_mutating_it_changes_nothing()
    {
        var (cache, _) = Create();
        using var __ = cache;
        var first = await cache.GetResponseAsync(Question(), cancellationToken: Token);
        first.Messages[0].Contents.Clear();

        var second = await cache.GetResponseAsync(Question(), cancellationToken: Token);
        second.Messages[0].Contents.Add(new TextContent("tampered"));
        var third = await cache.GetResponseAsync(Question(), cancellationToken: Token);

        Assert.StartsWith("Hello from openai", second.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("tampered", third.Text, StringComparison.Ordinal);
        Assert.Equal(1, Upstream());
    }

    [Fact]
    public async Task A_hundred_identical_concurrent_requests_on_a_cold_key_make_exactly_one_upstream_call()
    {
        var (cache, flexi) = Create();
        using var _ = cache;
        fixture.Host["openai"].Faults.FailNext(1, Fault.Delay(TimeSpan.FromMilliseconds(300))); // keep the first call in flight while the others arrive
        using var gate = new ManualResetEventSlim();

        var tasks = Enumerable.Range(0, 100).Select(_ => Task.Run(() =>
        {
            gate.Wait(Token);
            return cache.GetResponseAsync(Question("stampede"), cancellationToken: Token);
        }, Token)).ToArray();
        gate.Set();
        var responses = await Task.WhenAll(tasks);

        Assert.Equal(1, Upstream());
        Assert.All(responses, r => Assert.Equal(responses[0].Text, r.Text));
        Assert.Single(responses, r => !r.GetRoute().CacheHit);
        var metrics = flexi.GetMetrics();
        Assert.Equal(1, metrics.CacheMisses);
        Assert.Equal(99, metrics.CacheHits);
    }

    [Fact]
    public async Task An_error_is_not_cached_so_the_next_request_asks_again()
    {
        var (cache, _) = Create();
        using var __ = cache;
        fixture.Host["openai"].Faults.FailNext(1, 500);

        await Assert.ThrowsAnyAsync<Exception>(() => cache.GetResponseAsync(Question(), cancellationToken: Token));
        var answer = await cache.GetResponseAsync(Question(), cancellationToken: Token);
        var again = await cache.GetResponseAsync(Question(), cancellationToken: Token);

        Assert.Equal(2, Upstream());
        Assert.False(answer.GetRoute().CacheHit);
        Assert.True(again.GetRoute().CacheHit);
    }

    [Fact]
    public async Task A_truncated_stream_is_not_cached()
    {
        var (cache, _) = Create();
        using var __ = cache;
        fixture.Host["openai"].Faults.FailNext(1, Fault.Truncate(afterChunks: 2));

        await Assert.ThrowsAnyAsync<Exception>(async () => await cache.GetStreamingResponseAsync(Question(), cancellationToken: Token).ToListAsync(Token));
        var whole = await cache.GetStreamingResponseAsync(Question(), cancellationToken: Token).ToListAsync(Token);

        Assert.Equal(2, Upstream());
        Assert.False(whole.ToChatResponse().GetRoute().CacheHit);
    }

    [Fact]
    public async Task A_stream_the_caller_abandons_is_not_cached()
    {
        var (cache, _) = Create();
        using var __ = cache;

        await foreach (var update in cache.GetStreamingResponseAsync(Question(), cancellationToken: Token))
        {
            break;
        }

        await cache.GetResponseAsync(Question(), cancellationToken: Token);
        Assert.Equal(2, Upstream());
    }

    [Fact]
    public void Skips_says_which_requests_go_past_the_cache_as_the_cache_itself_decides()
    {
        using var cache = new ResponseCachingChatClient(TestClients.Create(TestClients.Options(new FakeChatClient("a"))), new ResponseCacheOptions { Enabled = true });
        using var off = new ResponseCachingChatClient(TestClients.Create(TestClients.Options(new FakeChatClient("b"))), new ResponseCacheOptions { Enabled = false });

        Assert.False(cache.Skips(null));
        Assert.False(cache.Skips(new ChatOptions { Temperature = 0f }));
        Assert.True(cache.Skips(new ChatOptions { Temperature = 0.7f }));
        Assert.False(cache.Skips(new ChatOptions { Temperature = 0.7f, AdditionalProperties = new() { [ResponseCacheControl.NondeterministicKey] = true } }));
        Assert.True(cache.Skips(new ChatOptions { AdditionalProperties = new() { [ResponseCacheControl.BypassKey] = true } }));
        Assert.False(cache.Skips(new ChatOptions { AdditionalProperties = new() { [ResponseCacheControl.RefreshKey] = true } }));
        Assert.True(cache.Skips(new ChatOptions { ConversationId = "conv-1" }));
        Assert.True(off.Skips(null));
    }

    [Fact]
    public async Task A_content_filtered_answer_and_a_tool_call_are_served_but_not_cached()
    {
        var filtered = new FakeChatClient("f")
            .Then(_ => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "blocked")) { FinishReason = ChatFinishReason.ContentFilter }))
            .Then(_ => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "blocked")) { FinishReason = ChatFinishReason.ContentFilter }));
        var options = TestClients.Options(filtered);
        using var cache = new ResponseCachingChatClient(TestClients.Create(options), new ResponseCacheOptions { Enabled = true });

        var first = await cache.GetResponseAsync(Question(), cancellationToken: Token);
        var second = await cache.GetResponseAsync(Question(), cancellationToken: Token);

        Assert.Equal("blocked", first.Text);
        Assert.False(second.GetRoute().CacheHit);
        Assert.Equal(2, filtered.Calls);

        var tools = new ChatOptions { Tools = [AIFunctionFactory.Create((string city) => "sunny", "weather")] };
        var (toolCache, _) = Create();
        using var ___ = toolCache;
        await toolCache.GetResponseAsync(Question("Weather in Paris?"), tools, Token);
        await toolCache.GetResponseAsync(Question("Weather in Paris?"), tools, Token);
        Assert.Equal(2, Upstream());
    }

    [Fact]
    public async Task Tool_calls_are_cached_when_configured()
    {
        var (cache, _) = Create(configure: o => o.CacheToolCalls = true);
        using var __ = cache;
        var tools = new ChatOptions { Tools = [AIFunctionFactory.Create((string city) => "sunny", "weather")] };

        var first = await cache.GetResponseAsync(Question("Weather in Paris?"), tools, Token);
        var second = await cache.GetResponseAsync(Question("Weather in Paris?"), tools, Token);

        Assert.Equal(1, Upstream());
        Assert.Equal(ChatFinishReason.ToolCalls, second.FinishReason);
        Assert.Equal(first.Messages[0].Contents.OfType<FunctionCallContent>().Single().Name, second.Messages[0].Contents.OfType<FunctionCallContent>().Single().Name);
    }

    [Fact]
    public async Task A_cache_hit_replays_as_a_stream_identical_in_text_and_finish_reason_with_the_route_on_the_last_update()
    {
        var (cache, _) = Create();
        using var __ = cache;
        var question = Question("Tell me a long story about caching, please, with many words in it.");

        var original = (await cache.GetStreamingResponseAsync(question, cancellationToken: Token).ToListAsync(Token)).ToChatResponse();
        var replay = await cache.GetStreamingResponseAsync(question, cancellationToken: Token).ToListAsync(Token);
        var asResponse = await cache.GetResponseAsync(question, cancellationToken: Token);

        Assert.Equal(1, Upstream());
        Assert.True(replay.Count > 2, "a hit is replayed in chunks");
        var replayed = replay.ToChatResponse();
        Assert.Equal(original.Text, replayed.Text);
        Assert.Equal(original.FinishReason, replayed.FinishReason);
        Assert.Equal(original.Text, asResponse.Text);
        var route = replay[^1].GetRoute();
        Assert.True(route.CacheHit);
        Assert.Equal("openai", route.Provider);
        Assert.True(asResponse.GetRoute().CacheHit);
    }

    [Fact]
    public async Task Bypass_neither_reads_nor_writes_and_refresh_skips_the_read_but_writes()
    {
        var (cache, flexi) = Create();
        using var __ = cache;
        var bypass = new ChatOptions { AdditionalProperties = new() { [ResponseCacheControl.BypassKey] = true } };
        var refresh = new ChatOptions { AdditionalProperties = new() { [ResponseCacheControl.RefreshKey] = true } };

        await cache.GetResponseAsync(Question(), bypass, Token);
        await cache.GetResponseAsync(Question(), bypass, Token);
        Assert.Equal(2, Upstream());
        var cold = await cache.GetResponseAsync(Question(), cancellationToken: Token);
        Assert.False(cold.GetRoute().CacheHit); // bypass wrote nothing
        Assert.Equal(3, Upstream());

        var refreshed = await cache.GetResponseAsync(Question(), refresh, Token);
        Assert.False(refreshed.GetRoute().CacheHit);
        Assert.Equal(4, Upstream());
        var hit = await cache.GetResponseAsync(Question(), cancellationToken: Token);
        Assert.True(hit.GetRoute().CacheHit);
        Assert.Equal(refreshed.Text, hit.Text);
        Assert.Equal(4, Upstream());
        Assert.Equal(2, flexi.GetMetrics().CacheBypasses);
    }

    [Fact]
    public async Task An_answer_expires_after_the_ttl_and_a_request_may_set_its_own_ttl()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var (cache, _) = Create(time, o => o.Ttl = TimeSpan.FromMinutes(10));
        using var __ = cache;

        await cache.GetResponseAsync(Question(), cancellationToken: Token);
        time.Advance(TimeSpan.FromMinutes(9));
        Assert.True((await cache.GetResponseAsync(Question(), cancellationToken: Token)).GetRoute().CacheHit);
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.False((await cache.GetResponseAsync(Question(), cancellationToken: Token)).GetRoute().CacheHit);
        Assert.Equal(2, Upstream());
        Assert.True((await cache.GetResponseAsync(Question(), cancellationToken: Token)).GetRoute().CacheHit); // the expired entry was replaced

        var shortTtl = new ChatOptions { AdditionalProperties = new() { [ResponseCacheControl.TtlKey] = "30s" } };
        await cache.GetResponseAsync(Question("short"), shortTtl, Token);
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.False((await cache.GetResponseAsync(Question("short"), shortTtl, Token)).GetRoute().CacheHit);
        Assert.Equal(4, Upstream());
    }

    [Fact]
    public async Task Invalidate_by_key_by_tag_and_clear_remove_answers()
    {
        var (cache, _) = Create();
        using var __ = cache;
        var tagged = new ChatOptions { AdditionalProperties = new() { [ResponseCacheControl.TagsKey] = "faq" } };

        await cache.GetResponseAsync(Question("a"), cancellationToken: Token);
        await cache.GetResponseAsync(Question("b"), tagged, Token);
        await cache.GetResponseAsync(Question("c"), cancellationToken: Token);
        await cache.InvalidateAsync(cache.GetCacheKey(Question("a"))!, Token);
        await cache.InvalidateTagAsync("faq", Token);
        Assert.False((await cache.GetResponseAsync(Question("a"), cancellationToken: Token)).GetRoute().CacheHit);
        Assert.False((await cache.GetResponseAsync(Question("b"), tagged, Token)).GetRoute().CacheHit);
        Assert.True((await cache.GetResponseAsync(Question("c"), cancellationToken: Token)).GetRoute().CacheHit);

        await cache.ClearAsync(Token);
        Assert.False((await cache.GetResponseAsync(Question("c"), cancellationToken: Token)).GetRoute().CacheHit);
    }

    [Fact]
    public async Task Non_zero_temperature_is_not_cached_unless_asked()
    {
        var (cache, _) = Create();
        using var __ = cache;
        var warm = new ChatOptions { Temperature = 0.7f };
        var warmOptIn = new ChatOptions { Temperature = 0.7f, AdditionalProperties = new() { [ResponseCacheControl.NondeterministicKey] = true } };
        var cold = new ChatOptions { Temperature = 0f };

        await cache.GetResponseAsync(Question(), warm, Token);
        await cache.GetResponseAsync(Question(), warm, Token);
        Assert.Equal(2, Upstream());
        await cache.GetResponseAsync(Question(), warmOptIn, Token);
        Assert.True((await cache.GetResponseAsync(Question(), warmOptIn, Token)).GetRoute().CacheHit);
        await cache.GetResponseAsync(Question(), cold, Token);
        Assert.True((await cache.GetResponseAsync(Question(), cold, Token)).GetRoute().CacheHit);
        Assert.Equal(4, Upstream());
    }

    [Fact]
    public async Task A_cached_answer_is_served_while_every_providers_breaker_is_open()
    {
        var (cache, flexi) = Create(order: ["openai", "anthropic"]);
        using var __ = cache;
        await cache.GetResponseAsync(Question(), cancellationToken: Token);
        await flexi.TripCircuitBreakerAsync("openai", Token);
        await flexi.TripCircuitBreakerAsync("anthropic", Token);

        var hit = await cache.GetResponseAsync(Question(), cancellationToken: Token);

        Assert.True(hit.GetRoute().CacheHit);
        Assert.StartsWith("Hello from openai", hit.Text, StringComparison.Ordinal);
        await Assert.ThrowsAsync<AllProvidersFailedException>(() => cache.GetResponseAsync(Question("not cached"), cancellationToken: Token));
    }

    [Fact]
    public async Task An_excluded_provider_answers_are_not_cached()
    {
        var (cache, _) = Create(configure: o => o.ExcludedProviders.Add("OpenAI"));
        using var __ = cache;

        await cache.GetResponseAsync(Question(), cancellationToken: Token);
        await cache.GetResponseAsync(Question(), cancellationToken: Token);

        Assert.Equal(2, Upstream());
    }

    [Fact]
    public async Task The_cache_counter_is_on_the_flexiai_meter_by_result()
    {
        var (cache, _) = Create();
        using var __ = cache;
        var seen = new List<(long Value, string? Result)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "flexiai.cache.requests")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? result = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "flexiai.cache.result")
                {
                    result = tag.Value as string;
                }
            }

            lock (seen)
            {
                seen.Add((value, result));
            }
        });
        listener.Start();

        await cache.GetResponseAsync(Question("meter"), cancellationToken: Token);
        await cache.GetResponseAsync(Question("meter"), cancellationToken: Token);

        lock (seen)
        {
            Assert.Contains((1L, "miss"), seen);
            Assert.Contains((1L, "hit"), seen);
        }
    }

    [Fact]
    public void Redis_in_the_configuration_without_the_FlexiAI_Redis_package_fails_saying_what_to_add()
    {
        var options = fixture.Options("openai");
        options.Cache = new ResponseCacheOptions { Enabled = true, Backend = CacheBackend.Redis, RedisConnectionString = "localhost:1" };
        using var flexi = EmulatedProvidersFixture.Client(options);

        var error = Assert.Throws<InvalidOperationException>(() => new ChatClientBuilder(flexi).UseFlexiAICache().Build());

        Assert.Contains("FlexiAI.Redis", error.Message, StringComparison.Ordinal);
        Assert.Contains("UseFlexiAIRedisCache", error.Message, StringComparison.Ordinal);
    }
}
