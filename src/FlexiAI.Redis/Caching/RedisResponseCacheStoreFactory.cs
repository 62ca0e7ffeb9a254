using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using StackExchange.Redis;

namespace FlexiAI.Redis;

/// <summary>
/// Makes the response cache's Redis store (<c>Microsoft.Extensions.Caching.StackExchangeRedis</c>) from <see cref="ResponseCacheOptions.RedisConnectionString"/>:
/// it connects as soon as it is made, never aborts on a failed connect, reconnects every 250 ms, and keeps its own timeouts short so an unreachable Redis costs a request little.
/// </summary>
public sealed class RedisResponseCacheStoreFactory : IResponseCacheStoreFactory
{
    /// <inheritdoc/>
    public CacheBackend Backend => CacheBackend.Redis;

    /// <inheritdoc/>
    /// <exception cref="ConfigurationException">The connection string is missing or malformed.</exception>
    public IDistributedCache Create(ResponseCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.RedisConnectionString))
        {
            throw new ConfigurationException("cache.redis_connection_string",
                "is required for the Redis cache; write e.g. \"localhost:6379\" (StackExchange.Redis syntax), pass it to UseFlexiAIRedisCache(\"…\"), or set FLEXIAI_CACHE__REDIS_CONNECTION_STRING.");
        }

        ConfigurationOptions configuration;
        try
        {
            configuration = ConfigurationOptions.Parse(options.RedisConnectionString);
        }
        catch (ArgumentException ex)
        {
            throw new ConfigurationException("cache.redis_connection_string", $"is not a StackExchange.Redis connection string ({ex.Message.Split('\n')[0]}); write e.g. \"localhost:6379,password=…\".", ex);
        }

        configuration.AbortOnConnectFail = false;
        configuration.ReconnectRetryPolicy = new LinearRetry(250);
        var timeout = (int)Math.Clamp(options.StoreTimeout.TotalMilliseconds * 4, 250, 5000);
        configuration.ConnectTimeout = Math.Min(configuration.ConnectTimeout, timeout);
        configuration.AsyncTimeout = Math.Min(configuration.AsyncTimeout, timeout);
        configuration.SyncTimeout = Math.Min(configuration.SyncTimeout, timeout);

        // Connect now, in the background, so the first request does not pay for (or time out on) the connection.
        var connecting = ConnectionMultiplexer.ConnectAsync(configuration);
        return new RedisCache(new RedisCacheOptions
        {
            ConfigurationOptions = configuration,
            ConnectionMultiplexerFactory = async () => await connecting.ConfigureAwait(false),
        });
    }
}
