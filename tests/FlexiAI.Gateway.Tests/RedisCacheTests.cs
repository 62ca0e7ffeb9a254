using System.Diagnostics;
using FlexiAI.Redis;
using FlexiAI.Redis.Tests;
using OpenAI.Chat;
using StackExchange.Redis;

namespace FlexiAI.Gateway.Tests;

/// <summary><c>cache.backend: "redis"</c>: several gateway instances share one cache (each test starts its own redis-server).</summary>
public sealed class RedisCacheTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_answer_cached_by_one_instance_is_a_hit_on_another()
    {
        await using var redis = await RedisServer.StartAsync(Token);
        void Redis(FlexiAIOptions options) => options.Cache = new ResponseCacheOptions
        {
            Enabled = true,
            Backend = CacheBackend.Redis,
            RedisConnectionString = redis.ConnectionString,
            KeyPrefix = "gw-test:",
            StoreTimeout = TimeSpan.FromSeconds(2),
        };
        static void Factory(GatewayOptions gateway) => gateway.CacheStoreFactory = new RedisResponseCacheStoreFactory();
        await using var a = await GatewayRig.StartAsync(fixture.Host, Redis, Factory);
        await using var b = await GatewayRig.StartAsync(fixture.Host, Redis, Factory);
        var before = fixture.Host["openai"].Journal.Count + fixture.Host["anthropic"].Journal.Count;

        var first = await a.Sdk().CompleteChatAsync([new UserChatMessage("Shared by the fleet")], cancellationToken: Token);

        // HybridCache writes Redis in the background right after answering: wait (bounded) until the entry is there, reading Redis itself.
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString))
        {
            var server = connection.GetServer(connection.GetEndPoints()[0]);
            var waited = Stopwatch.StartNew();
            while (!server.Keys(pattern: "*gw-test:default:*").Any() && waited.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(10, Token);
            }
        }

        var second = await b.Sdk().CompleteChatAsync([new UserChatMessage("Shared by the fleet")], cancellationToken: Token);

        Assert.Equal("miss", CacheTests.Header(first.GetRawResponse(), "x-flexiai-cache"));
        Assert.Equal("hit", CacheTests.Header(second.GetRawResponse(), "x-flexiai-cache"));
        Assert.Equal("openai", CacheTests.Header(second.GetRawResponse(), "x-flexiai-provider"));
        Assert.Equal("0", CacheTests.Header(second.GetRawResponse(), "x-flexiai-attempts"));
        Assert.Equal(first.Value.Content[0].Text, second.Value.Content[0].Text);
        Assert.Equal(1, fixture.Host["openai"].Journal.Count + fixture.Host["anthropic"].Journal.Count - before);
    }
}
