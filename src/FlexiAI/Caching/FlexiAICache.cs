using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlexiAI;

/// <summary>Builds the response cache for a client from its configuration: the one place that turns <c>cache.backend</c> into a store.</summary>
internal static class FlexiAICache
{
    /// <summary>
    /// What <c>AddFlexiAI</c> registers as <see cref="IChatClient"/>: the cache in front of the client when its configuration has a
    /// <c>cache</c> section (even a disabled one, so a reload can turn it on), else the client itself. A section that a reload removes
    /// turns the cache off.
    /// </summary>
    public static IChatClient WrapIfConfigured(FlexiAIClient client, IServiceProvider services) =>
        client.CurrentCacheOptions is not null
            ? Create(client, services, configure: null, factory: null, absentSection: static () => new ResponseCacheOptions { Enabled = false })
            : client;

    /// <summary>Wraps <paramref name="inner"/> in the response cache its settings ask for.</summary>
    /// <param name="inner">The client (normally a FlexiAIClient, whose <c>cache</c> section is the starting point).</param>
    /// <param name="services">Services to find a store factory, clock and logging in, or <see langword="null"/>.</param>
    /// <param name="configure">Adjusts the settings.</param>
    /// <param name="factory">The store factory to use (FlexiAI.Redis passes its own), else one from <paramref name="services"/>.</param>
    /// <param name="absentSection">The settings to start from when the configuration has no <c>cache</c> section; <see langword="null"/> for an enabled memory cache.</param>
    public static ResponseCachingChatClient Create(IChatClient inner, IServiceProvider? services, Action<ResponseCacheOptions>? configure, IResponseCacheStoreFactory? factory,
        Func<ResponseCacheOptions>? absentSection = null)
    {
        var flexi = inner.GetService(typeof(FlexiAIClient)) as FlexiAIClient;
        var backend = factory?.Backend;

        // The settings are derived from the client's cache section, now and again after each configuration reload.
        ResponseCacheOptions Derive(ResponseCacheOptions? section)
        {
            var derived = section?.Clone() ?? absentSection?.Invoke() ?? new ResponseCacheOptions { Enabled = true };
            if (backend is { } b)
            {
                derived.Backend = b;
            }

            configure?.Invoke(derived);
            return derived;
        }

        var options = Derive(flexi?.CurrentCacheOptions);
        Validate(options);

        Microsoft.Extensions.Caching.Distributed.IDistributedCache? store = null;
        if (options.Enabled && options.Backend != CacheBackend.Memory)
        {
            factory ??= (services?.GetService(typeof(IEnumerable<IResponseCacheStoreFactory>)) as IEnumerable<IResponseCacheStoreFactory>)?.LastOrDefault(f => f.Backend == options.Backend);
            store = factory?.Create(options) ?? throw new InvalidOperationException(ResponseCachingChatClient.RedisMissingMessage);
        }

        return new ResponseCachingChatClient(inner, options, store, services?.GetService<TimeProvider>(), flexi is null ? services?.GetService<ILoggerFactory>() : null,
            ownedStore: store as IDisposable, follow: Derive);
    }

    /// <summary>Checks cache settings as the configuration would (errors name <c>cache.*</c> paths and the fix).</summary>
    /// <param name="options">The settings.</param>
    /// <param name="storeGiven">Whether the distributed store was given in code (then no connection string is needed).</param>
    /// <exception cref="ConfigurationException">A setting is invalid.</exception>
    public static void Validate(ResponseCacheOptions options, bool storeGiven = false)
    {
        var probe = new FlexiAIOptions { Cache = options };
        var errors = OptionsValidator.Validate(probe, null)
            .Where(e => e.Path.StartsWith("cache.", StringComparison.Ordinal) && !(storeGiven && e.Path == "cache.redis_connection_string"))
            .ToList();
        if (errors.Count > 0)
        {
            throw new ConfigurationException(errors);
        }
    }
}
