using System.Text;
using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FlexiAI.Tests.Caching;

/// <summary>The <c>cache</c> configuration section: binding, validation errors that name the path, and what reads it.</summary>
public sealed class ResponseCacheConfigurationTests
{
    private const string Provider = """{ "name": "openai", "type": "openai", "model": "gpt-5.4-mini", "api_key": "sk-test-0123456789" }""";

    private static FlexiAIOptions Load(string cache) =>
        FlexiAIConfiguration.LoadJson(new MemoryStream(Encoding.UTF8.GetBytes($$"""{ "providers": [ {{Provider}} ], "cache": {{cache}} }""")), [], null);

    [Fact]
    public void The_cache_section_binds_every_setting()
    {
        var options = Load("""
            { "enabled": true, "ttl": "10m", "backend": "redis", "redis_connection_string": "localhost:6379", "key_prefix": "app:",
              "cache_nondeterministic": true, "cache_tool_calls": true, "max_entry_bytes": 4096, "max_entries": 250, "store_timeout": "100ms",
              "store_retry_interval": "2s", "exclude_providers": ["openai"] }
            """);

        var cache = options.Cache!;
        Assert.True(cache.Enabled);
        Assert.Equal(TimeSpan.FromMinutes(10), cache.Ttl);
        Assert.Equal(CacheBackend.Redis, cache.Backend);
        Assert.Equal("localhost:6379", cache.RedisConnectionString);
        Assert.Equal("app:", cache.KeyPrefix);
        Assert.True(cache.CacheNondeterministic);
        Assert.True(cache.CacheToolCalls);
        Assert.Equal(4096, cache.MaxEntryBytes);
        Assert.Equal(250, cache.MaxEntries);
        Assert.Equal(TimeSpan.FromMilliseconds(100), cache.StoreTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), cache.StoreRetryInterval);
        Assert.Contains("OpenAI", cache.ExcludedProviders);
        var json = FlexiAIConfiguration.ToJson(options);
        Assert.Contains("\"backend\": \"redis\"", json, StringComparison.Ordinal);
        var reloaded = FlexiAIConfiguration.LoadJson(new MemoryStream(Encoding.UTF8.GetBytes(json)), [], null).Cache!;
        Assert.Equal(cache.Ttl, reloaded.Ttl);
        Assert.Equal(250, reloaded.MaxEntries);
        Assert.Equal(4096, reloaded.MaxEntryBytes);
    }

    [Fact]
    public void A_section_present_means_enabled_unless_it_says_otherwise_and_no_section_means_no_cache()
    {
        Assert.True(Load("""{ "ttl": "5m" }""").Cache!.Enabled);
        Assert.False(Load("""{ "enabled": false }""").Cache!.Enabled);
        Assert.Null(FlexiAIConfiguration.LoadJson(new MemoryStream(Encoding.UTF8.GetBytes($$"""{ "providers": [ {{Provider}} ] }""")), [], null).Cache);
    }

    [Theory]
    [InlineData("""{ "backend": "memcached" }""", "cache.backend", "Use memory or redis")]
    [InlineData("""{ "ttl": "soon" }""", "cache.ttl", "is not a duration")]
    [InlineData("""{ "ttl": 0 }""", "cache.ttl", "positive duration")]
    [InlineData("""{ "backend": "redis" }""", "cache.redis_connection_string", "is required when cache.backend is redis")]
    [InlineData("""{ "max_entry_bytes": -1 }""", "cache.max_entry_bytes", "positive number of bytes")]
    [InlineData("""{ "max_entries": 0 }""", "cache.max_entries", "must be a positive number of answers kept in memory, e.g. 10000")]
    [InlineData("""{ "max_entries": "many" }""", "cache.max_entries", "is not a whole number")]
    [InlineData("""{ "max_entrys": 5 }""", "cache.max_entrys", "max_entries")]
    [InlineData("""{ "key_prefx": "x" }""", "cache.key_prefx", "key_prefix")]
    [InlineData("""{ "enabled": "maybe" }""", "cache.enabled", "true or false")]
    public void A_bad_cache_setting_fails_with_an_error_naming_its_path_and_the_fix(string cache, string path, string fix)
    {
        IReadOnlyList<ConfigurationError> errors;
        try
        {
            errors = FlexiAIConfiguration.Validate(Load(cache)); // what the client checks when it is built
        }
        catch (ConfigurationException error)
        {
            errors = error.Errors; // what binding already rejects
        }

        var match = Assert.Single(errors, e => e.Path == path);
        Assert.Contains(fix, match.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseFlexiAICache_reads_the_clients_section_and_code_can_adjust_it()
    {
        var answers = FakeChatClient.Answering("a");
        var options = TestClients.Options(answers);
        options.Cache = new ResponseCacheOptions { Enabled = true, Ttl = TimeSpan.FromMinutes(3), KeyPrefix = "cfg:" };
        using var flexi = TestClients.Create(options);

        using var cache = (ResponseCachingChatClient)new ChatClientBuilder(flexi).UseFlexiAICache(o => o.CacheToolCalls = true).Build();

        Assert.Equal(TimeSpan.FromMinutes(3), cache.Options.Ttl);
        Assert.True(cache.Options.CacheToolCalls);
        Assert.StartsWith("cfg:", cache.GetCacheKey([new ChatMessage(ChatRole.User, "hi")]), StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Fact]
    public void AddFlexiAI_puts_the_cache_in_front_when_the_section_enables_it()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FlexiAI:providers:0:name"] = "openai",
            ["FlexiAI:providers:0:type"] = "openai",
            ["FlexiAI:providers:0:model"] = "gpt-5.4-mini",
            ["FlexiAI:providers:0:api_key"] = "sk-test-0123456789",
            ["FlexiAI:cache:enabled"] = "true",
        }).Build();
        var services = new ServiceCollection();
        services.AddFlexiAI(config.GetSection("FlexiAI"));
        using var provider = services.BuildServiceProvider();

        Assert.IsType<ResponseCachingChatClient>(provider.GetRequiredService<IChatClient>());
        Assert.NotNull(provider.GetRequiredService<IChatClient>().GetService<FlexiAIClient>());
    }
}
