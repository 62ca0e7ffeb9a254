namespace FlexiAI.Gateway;

/// <summary>
/// The gateway's state: one <see cref="FlexiAIClient"/> per route (the <c>default</c> route over every provider, each alias over its
/// provider list, each configured model over the providers that serve it), sharing one circuit-state store and one budget store so
/// breakers and budgets are the same whichever route a request takes; and the gateway keys. Map its endpoints with
/// <see cref="GatewayEndpointRouteBuilderExtensions.MapFlexiAIGateway"/>.
/// </summary>
public sealed class FlexiAIGateway : IDisposable
{
    /// <summary>The route used when a request's <c>model</c> is <c>default</c>.</summary>
    public const string DefaultRoute = "default";

    private readonly Dictionary<string, FlexiAIClient> _routes = new(StringComparer.Ordinal);
    private readonly List<FlexiAIClient> _owned = [];

    /// <summary>Initializes a new instance of the <see cref="FlexiAIGateway"/> class.</summary>
    /// <param name="options">The FlexiAI options (providers, breakers, retries, cost) — the same configuration the library reads.</param>
    /// <param name="gateway">The gateway's own settings.</param>
    /// <param name="clientOptions">Options for the clients (time provider, logging, HTTP handler); <see langword="null"/> for defaults.</param>
    /// <exception cref="ConfigurationException">A gateway setting is invalid (no keys, a route naming an unknown provider, …).</exception>
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

        // One breaker state and one budget ledger whichever route a request takes (a configured shared store — e.g. Redis — wins).
        options.CircuitBreaker.StateStore ??= new InMemoryCircuitStateStore();
        options.Cost.BudgetStore ??= new InMemoryBudgetStore();

        var enabled = options.Providers.Where(p => p.Enabled).ToList();
        try
        {
            Client = Own(new FlexiAIClient(options, clientOptions));
            _routes[DefaultRoute] = Client;
            foreach (var (alias, names) in gateway.Routes)
            {
                var providers = new List<ProviderOptions>();
                foreach (var name in names)
                {
                    providers.Add(options.Providers.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                        ?? throw new ConfigurationException($"gateway.routes.{alias}", $"the route names provider '{name}', which is not configured. Configured: {string.Join(", ", options.Providers.Select(p => p.Name))}."));
                }

                _routes[alias] = string.Equals(alias, DefaultRoute, StringComparison.Ordinal) && providers.SequenceEqual(enabled) ? Client : Own(Subset(options, providers, clientOptions));
            }

            foreach (var group in enabled.GroupBy(p => p.Model, StringComparer.Ordinal))
            {
                if (!_routes.ContainsKey(group.Key))
                {
                    var providers = group.OrderBy(p => p.Priority ?? int.MaxValue).ToList();
                    _routes[group.Key] = providers.Count == enabled.Count ? Client : Own(Subset(options, providers, clientOptions));
                }
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
        return _routes.GetValueOrDefault(model);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var client in _owned)
        {
            client.Dispose();
        }

        _owned.Clear();
    }

    private static FlexiAIClient Subset(FlexiAIOptions options, List<ProviderOptions> providers, FlexiAIClientOptions clientOptions)
    {
        var subset = new FlexiAIOptions
        {
            CircuitBreaker = options.CircuitBreaker,
            Retry = options.Retry,
            AttemptTimeout = options.AttemptTimeout,
            RequestTimeout = options.RequestTimeout,
            WaitForRecovery = options.WaitForRecovery,
            Streaming = options.Streaming,
            Logging = options.Logging,
            Cost = options.Cost,
        };
        foreach (var (category, policy) in options.ErrorPolicies)
        {
            subset.ErrorPolicies[category] = policy;
        }

        var priority = 1;
        foreach (var provider in providers)
        {
            var copy = new ProviderOptions
            {
                Name = provider.Name,
                Type = provider.Type,
                Priority = priority++,
                Model = provider.Model,
                ApiKey = provider.ApiKey,
                BaseUrl = provider.BaseUrl,
                Timeout = provider.Timeout,
                FirstTokenTimeout = provider.FirstTokenTimeout,
                IdleTimeout = provider.IdleTimeout,
                MaxRetries = provider.MaxRetries,
                Enabled = true,
                ChatClient = provider.ChatClient,
                Adapter = provider.Adapter,
                Capabilities = provider.Capabilities,
            };
            foreach (var (key, value) in provider.Settings)
            {
                copy.Settings[key] = value;
            }

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
