using System.Text;

namespace FlexiAI.Tests.Configuration;

/// <summary>The export (<c>flexiai config export</c>, <c>ExportConfiguration</c>) keeps the fleet's settings: the shared store and rate limits.</summary>
public sealed class FleetSettingsExportTests
{
    private const string Json = """
        {
          "providers": [
            { "name": "a", "type": "openai", "model": "gpt-5.4-mini", "api_key": "sk-test-a", "rate_limit": { "requests_per_minute": 60, "max_wait": "2s" } },
            { "name": "b", "type": "anthropic", "model": "claude-sonnet-5-5", "api_key": "sk-test-b" }
          ],
          "circuit_breaker": { "store": { "type": "redis", "connection": "cache.internal:6380,password=hunter2-canary,ssl=true", "prefix": "orders-api" } },
          "rate_limit": { "requests_per_minute": 600, "tokens_per_minute": 90000 }
        }
        """;

    [Fact]
    public void The_export_keeps_the_shared_store_and_the_rate_limits_and_masks_the_stores_password()
    {
        var options = FlexiAIConfiguration.LoadJson(new MemoryStream(Encoding.UTF8.GetBytes(Json)));

        var exported = FlexiAIConfiguration.ToJson(options);

        Assert.DoesNotContain("hunter2-canary", exported, StringComparison.Ordinal);
        var again = FlexiAIConfiguration.LoadJson(new MemoryStream(Encoding.UTF8.GetBytes(exported)));
        var store = Assert.IsType<CircuitStoreOptions>(again.CircuitBreaker.Store);
        Assert.Equal("redis", store.Type);
        Assert.Equal("orders-api", store.Prefix);
        Assert.StartsWith("cache.internal:6380,password=***", store.Connection, StringComparison.Ordinal);
        Assert.Equal(600, again.RateLimit!.RequestsPerMinute);
        Assert.Equal(90000, again.RateLimit.TokensPerMinute);
        Assert.Equal(60, again.Providers[0].RateLimit!.RequestsPerMinute);
        Assert.Equal(TimeSpan.FromSeconds(2), again.Providers[0].RateLimit!.MaxWait);
        Assert.Null(again.Providers[1].RateLimit);
    }
}
