using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;

namespace FlexiAI.Gateway;

/// <summary>
/// The gateway's state: one <see cref="FlexiAIClient"/> per route (the <c>default</c> route over every provider, each alias over its
/// provider list, each configured model over the providers that serve it), sharing one circuit-state store and one budget store so
/// breakers and budgets are the same whichever route a request takes; and the gateway keys. When the configuration enables the response
/// cache (<c>cache.enabled</c>), each route is served through a <see cref="ResponseCachingChatClient"/> in front of its client (memory,
/// or Redis through <see cref="GatewayOptions.CacheStoreFactory"/>), keyed per route. Map its endpoints with
/// <see cref="GatewayEndpointRouteBuilderExtensions.MapFlexiAIGateway"/>.
/// </summary>
public sealed class FlexiAIGateway : IDisposable
{
    /// <summary>The route used when a request's <c>model</c> is <c>default</c>.</summary>
    public const string DefaultRoute = "default";

    private readonly Dictionary<string, GatewayRoute> _routes = new(StringComparer.Ordinal);
    private readonly List<GatewayRoute> _distinct = [];
    private readonly List<FlexiAIClient> _owned = [];
    private readonly List<ResponseCachingChatClient> _caches = [];
    private readonly List<IDisposable> _stores = [];

    /// <summary>Initializes a new instance of the <see cref="FlexiAIGateway"/> class.</summary>
    /// <param name="options">The FlexiAI options (providers, breakers, retries, cost) — the same configuration the library reads.</param>
    /// <param name="gateway">The gateway's own settings.</param>
    /// <param name="clientOptions">Options for the clients (time provider, logging, HTTP handler); <see langword="null"/> for defaults.</param>
    /// <exception cref="ConfigurationException">
    /// A gateway setting is invalid (no keys, a route naming an unknown provider, …), or <c>cache.backend</c> needs a store and
    /// <see cref="GatewayOptions.CacheStoreFactory"/> gives none.
    /// </exception>
    public FlexiAIGateway(FlexiAIOptions options, GatewayOptions gateway, FlexiAIClientOptions? clientOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(gateway);
        clientOptions ??= new FlexiAIClientOptions();
        Options = gateway;
        TimeProvider = clientOptions.TimeProvider;
        if (gateway.Keys.Count == 0)
        {
            throw new ConfigurationException("gateway.keys", "the gateway needs at least one key clients present as 'Authorization: Bearer KEY', e.g. \"gateway\": { \"keys\": [ { \"key\": \"env:FLEXIAI_GATEWAY_KEY\", \"tag\": \"team-a\" } ] }.");
        }

        Keys = new GatewayKeyRing(gateway.Keys, clientOptions.EnvironmentVariables, clientOptions.TimeProvider);

        // One breaker state and one budget ledger whichever route a request takes. A configured shared store
        // (circuit_breaker.store, e.g. Redis) wins: each route's client then resolves it (the same Redis keys, so the same state
        // across routes and across gateway instances), so the in-process stores are set only without one.
        if (options.CircuitBreaker.Store is null || string.Equals(options.CircuitBreaker.Store.Type?.Trim(), "memory", StringComparison.OrdinalIgnoreCase))
        {
            options.CircuitBreaker.StateStore ??= new InMemoryCircuitStateStore();
            options.Cost.BudgetStore ??= new InMemoryBudgetStore();
        }

        var enabled = options.Providers.Where(p => p.Enabled).ToList();
        var clients = new Dictionary<string, FlexiAIClient>(StringComparer.Ordinal);
        try
        {
            Client = Own(new FlexiAIClient(options, clientOptions));
            clients[DefaultRoute] = Client;
            foreach (var (alias, names) in gateway.Routes)
            {
                var providers = new List<ProviderOptions>();
                foreach (var name in names)
                {
                    providers.Add(options.Providers.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                        ?? throw new ConfigurationException($"gateway.routes.{alias}", $"the route names provider '{name}', which is not configured. Configured: {string.Join(", ", options.Providers.Select(p => p.Name))}."));
                }

                clients[alias] = string.Equals(alias, DefaultRoute, StringComparison.Ordinal) && providers.SequenceEqual(enabled) ? Client : Own(Subset(options, providers, clientOptions));
            }

            foreach (var group in enabled.GroupBy(p => p.Model, StringComparer.Ordinal))
            {
                if (!clients.ContainsKey(group.Key))
                {
                    var providers = group.OrderBy(p => p.Priority ?? int.MaxValue).ToList();
                    clients[group.Key] = providers.Count == enabled.Count ? Client : Own(Subset(options, providers, clientOptions));
                }
            }

            // One route object (and, with the cache on, one cache) per distinct client; names sharing a client share its cache.
            var byClient = new Dictionary<FlexiAIClient, GatewayRoute>(ReferenceEqualityComparer.Instance);
            foreach (var (name, client) in clients)
            {
                if (!byClient.TryGetValue(client, out var route))
                {
                    route = CreateRoute(name, client, options.Cache, gateway.CacheStoreFactory, clientOptions);
                    byClient[client] = route;
                    _distinct.Add(route);
                }

                _routes[name] = route;
            }
        }
        catch
        {
            Dispose();
            throw;
        }

        Models = [.. gateway.Routes.Keys.Prepend(DefaultRoute).Concat(enabled.Select(p => p.Model)).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Gets the client of the <c>default</c> route (every enabled provider): its status, metrics and cost report are the gateway's.</summary>
    public FlexiAIClient Client { get; }

    /// <summary>Gets the gateway's settings.</summary>
    public GatewayOptions Options { get; }

    /// <summary>Gets the names a request may put in <c>model</c>: the route aliases, then the configured models.</summary>
    public IReadOnlyList<string> Models { get; }

    /// <summary>Gets the clock the gateway's rate limits run on.</summary>
    public TimeProvider TimeProvider { get; }

    internal GatewayKeyRing Keys { get; }

    /// <summary>Finds the client serving a route alias or model name.</summary>
    /// <param name="model">The request's <c>model</c>.</param>
    /// <returns>The client, or <see langword="null"/> when no route or provider has that name.</returns>
    public FlexiAIClient? FindRoute(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return _routes.GetValueOrDefault(model)?.Client;
    }

    /// <summary>
    /// Finds what the gateway serves a route alias or model name through: the response cache in front of the route's client when
    /// <c>cache.enabled</c>, else the client itself.
    /// </summary>
    /// <param name="model">The request's <c>model</c>.</param>
    /// <returns>The chat client, or <see langword="null"/> when no route or provider has that name.</returns>
    public IChatClient? FindChatClient(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return _routes.GetValueOrDefault(model)?.ChatClient;
    }

    /// <summary>Gets each distinct route client once (the <c>default</c> route's first), with every name that selects it.</summary>
    internal IEnumerable<(GatewayRoute Route, IReadOnlyList<string> Names)> DistinctRoutes =>
        _distinct.Select(route => (route, (IReadOnlyList<string>)[.. _routes.Where(r => ReferenceEquals(r.Value, route)).Select(r => r.Key)]));

    internal GatewayRoute? FindGatewayRoute(string model) => _routes.GetValueOrDefault(model);

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var cache in _caches)
        {
            // This disposes the cache's inner client too; FlexiAIClient.Dispose is idempotent, so the loop below is safe.
            cache.Dispose();
        }

        foreach (var client in _owned)
        {
            client.Dispose();
        }

        foreach (var store in _stores)
        {
            store.Dispose();
        }

        _caches.Clear();
        _owned.Clear();
        _stores.Clear();
    }

    private GatewayRoute CreateRoute(string name, FlexiAIClient client, ResponseCacheOptions? configured, IResponseCacheStoreFactory? factory, FlexiAIClientOptions clientOptions)
    {
        if (configured is not { Enabled: true })
        {
            return new GatewayRoute(name, client, null);
        }

        // Keys per route: an answer cached for one route (e.g. "cheap") is never served to another (e.g. "default"), also
        // across instances sharing one Redis. Route names come from the configuration, so every instance agrees.
        var options = configured.Clone();
        options.KeyPrefix = $"{configured.KeyPrefix}{name}:";
        IDistributedCache? store = null;
        if (options.Backend != CacheBackend.Memory)
        {
            if (factory is null || factory.Backend != options.Backend)
            {
                throw new ConfigurationException("cache.backend", $"is \"{options.Backend.ToString().ToLowerInvariant()}\", but the gateway was given no store for it: set "
                    + "GatewayOptions.CacheStoreFactory = new RedisResponseCacheStoreFactory() (FlexiAI.Redis; flexiai serve does), or set cache.backend to \"memory\".");
            }

            store = factory.Create(options);
        }

        if (store is IDisposable disposable)
        {
            _stores.Add(disposable);
        }

        var cache = new ResponseCachingChatClient(client, options, store, clientOptions.TimeProvider, clientOptions.LoggerFactory);
        _caches.Add(cache);
        return new GatewayRoute(name, client, cache);
    }

    private static FlexiAIClient Subset(FlexiAIOptions options, List<ProviderOptions> providers, FlexiAIClientOptions clientOptions)
    {
        // Everything configured for these providers (rate limits, breaker overrides, pricing, budgets) comes along; Clone keeps the
        // shared breaker and budget stores set above. The gateway puts the response cache in front of the route itself.
        var subset = options.Clone();
        subset.Cache = null;
        subset.Providers.Clear();
        var priority = 1;
        foreach (var provider in providers)
        {
            var copy = provider.Clone();
            copy.Priority = priority++;
            copy.Enabled = true;
            subset.Providers.Add(copy);
        }

        return new FlexiAIClient(subset, clientOptions);
    }

    private FlexiAIClient Own(FlexiAIClient client)
    {
        _owned.Add(client);
        return client;
    }
}
