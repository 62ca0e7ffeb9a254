using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlexiAI;

/// <summary>Builds the response cache for a client from its configuration: the one place that turns <c>cache.backend</c> into a store.</summary>
internal static class FlexiAICache
{
    /// <summary>What <c>AddFlexiAI</c> registers as <see cref="IChatClient"/>: the client itself, or the cache in front of it when its <c>cache</c> section enables one.</summary>
    public static IChatClient WrapIfConfigured(FlexiAIClient client, IServiceProvider services) =>
        client.CacheOptions is { Enabled: true } ? Create(client, services, configure: null, factory: null) : client;

    /// <summary>Wraps <paramref name="inner"/> in the response cache its settings ask for.</summary>
    /// <param name="inner">The client (normally a FlexiAIClient, whose <c>cache</c> section is the starting point).</param>
    /// <param name="services">Services to find a store factory, clock and logging in, or <see langword="null"/>.</param>
    /// <param name="configure">Adjusts the settings.</param>
    /// <param name="factory">The store factory to use (FlexiAI.Redis passes its own), else one from <paramref name="services"/>.</param>
    public static ResponseCachingChatClient Create(IChatClient inner, IServiceProvider? services, Action<ResponseCacheOptions>? configure, IResponseCacheStoreFactory? factory)
    {
        var flexi = inner.GetService(typeof(FlexiAIClient)) as FlexiAIClient;
        var options = flexi?.CacheOptions?.Clone() ?? new ResponseCacheOptions { Enabled = true };
        if (factory is not null)
        {
            options.Backend = factory.Backend;
        }

        configure?.Invoke(options);
        var errors = new List<ConfigurationError>();
        var probe = new FlexiAIOptions { Cache = options };
        foreach (var error in OptionsValidator.Validate(probe, null).Where(e => e.Path.StartsWith("cache.", StringComparison.Ordinal)))
        {
            errors.Add(error);
        }

        if (errors.Count > 0)
        {
            throw new ConfigurationException(errors);
        }

        Microsoft.Extensions.Caching.Distributed.IDistributedCache? store = null;
        if (options.Enabled && options.Backend != CacheBackend.Memory)
        {
            factory ??= (services?.GetService(typeof(IEnumerable<IResponseCacheStoreFactory>)) as IEnumerable<IResponseCacheStoreFactory>)?.LastOrDefault(f => f.Backend == options.Backend);
            store = factory?.Create(options) ?? throw new InvalidOperationException(ResponseCachingChatClient.RedisMissingMessage);
        }

        return new ResponseCachingChatClient(inner, options, store, services?.GetService<TimeProvider>(), flexi is null ? services?.GetService<ILoggerFactory>() : null,
            ownedStore: store as IDisposable);
    }
}
