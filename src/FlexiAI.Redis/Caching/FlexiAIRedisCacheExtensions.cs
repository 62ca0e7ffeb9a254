using FlexiAI;
using FlexiAI.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.AI;

/// <summary>Adds FlexiAI's response cache with a Redis store (see docs/cache.md).</summary>
public static class FlexiAIRedisCacheExtensions
{
    /// <summary>
    /// Adds the response cache in front of the client built so far, keeping answers in Redis (shared by every instance) with a memory
    /// copy in front. Settings start from the FlexiAIClient's <c>cache</c> section; <paramref name="connectionString"/> overrides
    /// <c>cache.redis_connection_string</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">The Redis connection string (StackExchange.Redis syntax), or <see langword="null"/> to use the configured one.</param>
    /// <param name="configure">Adjusts the settings, or <see langword="null"/>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static ChatClientBuilder UseFlexiAIRedisCache(this ChatClientBuilder builder, string? connectionString = null, Action<ResponseCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) => FlexiAICache.Create(inner, services, options =>
        {
            if (connectionString is not null)
            {
                options.RedisConnectionString = connectionString;
            }

            configure?.Invoke(options);
        }, new RedisResponseCacheStoreFactory()));
    }

    /// <summary>
    /// Lets a configured <c>cache.backend: "redis"</c> work with <c>AddFlexiAI</c>: registers the Redis store factory the response
    /// cache asks for. Call it next to <c>services.AddFlexiAI(...)</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddFlexiAIRedisCache(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IResponseCacheStoreFactory, RedisResponseCacheStoreFactory>());
        return services;
    }
}
