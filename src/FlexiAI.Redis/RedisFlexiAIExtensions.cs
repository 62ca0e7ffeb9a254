using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlexiAI.Redis;

/// <summary>Registers FlexiAI.Redis: the <c>redis</c> store type for <c>circuit_breaker.store</c> (breaker state, budgets and rate limits shared by a fleet).</summary>
public static class RedisFlexiAIExtensions
{
    /// <summary>
    /// Registers the <c>redis</c> store type for every FlexiAI client in the container; with <paramref name="connection"/>, also makes
    /// Redis the store of every client whose configuration names none (<c>circuit_breaker.store</c> in configuration wins).
    /// </summary>
    /// <param name="services">The service collection (after <c>AddFlexiAI</c>).</param>
    /// <param name="connection">A StackExchange.Redis connection string, or <see langword="null"/> to take it from configuration.</param>
    /// <param name="prefix">The key prefix of this application (<c>flexiai</c> when <see langword="null"/>).</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection UseRedis(this IServiceCollection services, string? connection = null, string? prefix = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<CircuitStoreFactory, RedisStoreFactory>());
        if (connection is not null)
        {
            services.ConfigureAll<FlexiAIOptions>(options => options.CircuitBreaker.Store ??= new CircuitStoreOptions { Type = "redis", Connection = connection, Prefix = prefix });
        }

        return services;
    }

    /// <summary>Registers the <c>redis</c> store type for a client built by hand (<c>new FlexiAIClient(options, clientOptions)</c> or <c>FromFile</c>).</summary>
    /// <param name="clientOptions">The client options.</param>
    /// <param name="factory">The factory to use (share one across clients to share connections); a new one when <see langword="null"/>.</param>
    /// <returns>The client options.</returns>
    public static FlexiAIClientOptions UseRedis(this FlexiAIClientOptions clientOptions, RedisStoreFactory? factory = null)
    {
        ArgumentNullException.ThrowIfNull(clientOptions);
        clientOptions.StoreFactories.Add(factory ?? new RedisStoreFactory());
        return clientOptions;
    }

    /// <summary>Sets <c>circuit_breaker.store</c> to Redis in code.</summary>
    /// <param name="options">The FlexiAI options.</param>
    /// <param name="connection">A StackExchange.Redis connection string.</param>
    /// <param name="prefix">The key prefix of this application (<c>flexiai</c> when <see langword="null"/>).</param>
    /// <returns>The options.</returns>
    public static FlexiAIOptions UseRedis(this FlexiAIOptions options, string connection, string? prefix = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(connection);
        options.CircuitBreaker.Store = new CircuitStoreOptions { Type = "redis", Connection = connection, Prefix = prefix };
        return options;
    }
}
