using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace FlexiAI;

/// <summary>
/// Builds a <see cref="ProviderSet"/> from a validated configuration: clients (from factories, or the caller's),
/// adapters, breakers and admission gates. Shared by the constructor and by reloads. Ownership is one rule: what
/// this builder creates, the set disposes; a client the caller passed in is never disposed by FlexiAI.
/// </summary>
internal sealed class ProviderSetBuilder(
    FlexiAIClientOptions clientOptions,
    ProviderFactoryContext context,
    ICircuitStateStore store,
    TimeProvider time,
    ILogger logger,
    EventSink sink,
    CostAccounting? cost = null,
    IRateLimitStore? rateLimitStore = null)
{
    private readonly LocalRateLimits _rateLimits = new(time);
    private int _correctsTokens;

    /// <summary>Builds the set; on failure, disposes what it created and rethrows.</summary>
    /// <exception cref="ConfigurationException">A provider's type has no factory, or its factory refused the configuration.</exception>
    public ProviderSet Build(FlexiAIOptions options)
    {
        var providers = new List<RoutedProvider>(options.Providers.Count);
        ModelDeprecations.WarnOnce(logger, options.Providers, time, clientOptions.ProviderFactories);

        // The keys are masked in every text FlexiAI writes for as long as this set can be used.
        var secrets = SecretMasker.RegisterSecrets(options.Providers);
        var capabilities = new CapabilityGate.Table();
        try
        {
            var costs = cost?.Prepare(options);
            for (var i = 0; i < options.Providers.Count; i++)
            {
                providers.Add(Create(options, i, capabilities, costs));
            }
        }
        catch
        {
            secrets.Dispose();
            foreach (var created in providers)
            {
                created.DisposeOwned();
            }

            throw;
        }

        if (options.CircuitBreaker.MaxOpenFraction < 1 && providers.Count > 1)
        {
            // max_open_fraction: the breakers of this set share one cap on how many may be open at once.
            var cap = new OpenCap([.. providers.Select(p => p.Breaker)], options.CircuitBreaker.MaxOpenFraction);
            foreach (var created in providers)
            {
                created.Breaker.Cap = cap;
            }
        }

        return new ProviderSet(options, [.. providers], BuildPolicies(options), secrets);
    }

    private RoutedProvider Create(FlexiAIOptions options, int index, CapabilityGate.Table capabilityTable, CostSetup? costs)
    {
        var provider = options.Providers[index];
        var factory = provider.ChatClient is null || provider.Adapter is null ? BuiltInProviderFactories.Find(provider.EffectiveType, clientOptions.ProviderFactories) : null;
        IChatClient client;
        var owns = false;
        if (provider.ChatClient is { } given)
        {
            client = given;
        }
        else if (factory is not null)
        {
            client = factory.CreateClient(provider, context);
            owns = true;
        }
        else
        {
            throw new ConfigurationException(
                $"providers[{index}].type",
                $"No provider factory is registered for type '{provider.EffectiveType}' (provider '{provider.Name}'). Give the provider a ChatClient in code, or add a ProviderFactory for this type to FlexiAIClientOptions.ProviderFactories.");
        }

        try
        {
            var adapter = provider.Adapter ?? factory?.CreateAdapter(provider, context) ?? ProviderAdapter.Generic;
            var attemptTimeout = provider.Timeout ?? options.AttemptTimeout;
            // A provider's circuit_breaker section overrides the client-wide settings field by field (issue 14).
            var breakerOptions = provider.CircuitBreaker is { IsEmpty: false } overrides ? overrides.ApplyTo(options.CircuitBreaker) : options.CircuitBreaker;
            var lease = CircuitBreaker.ProbeLeaseFor(attemptTimeout, breakerOptions.RecoveryTimeout);
            var breaker = new CircuitBreaker(provider.Name, store, time, breakerOptions.FailureThreshold, breakerOptions.RecoveryTimeout, lease,
                breakerOptions.StoreTimeout, breakerOptions.StoreRefreshInterval, logger,
                breakerOptions.Mode == CircuitBreakerMode.Ratio
                    ? new FailureRatioWindow(time, breakerOptions.SamplingDuration, breakerOptions.FailureRatio, breakerOptions.MinimumThroughput)
                    : null);
            var maxAttempts = provider.MaxRetries is int retries ? retries + 1 : options.Retry.MaxAttempts;
            var firstToken = provider.FirstTokenTimeout ?? options.Streaming.FirstTokenTimeout ?? attemptTimeout;
            var idle = provider.IdleTimeout ?? options.Streaming.IdleTimeout;
            var routed = new RoutedProvider(provider, index, client, owns, adapter, breaker, maxAttempts, attemptTimeout, firstToken, idle)
            {
                CountPerRequest = breakerOptions.CountPerRequest,
            };

            // The capability gate runs first and holds the breaker's gate (see CapabilityGate for why it precedes the breaker).
            var capabilities = provider.Capabilities ?? adapter.DescribeCapabilities(provider.Model);
            capabilityTable.Add(routed, capabilities);
            var gates = new List<AdmissionGate> { new CapabilityGate(routed, capabilities, capabilityTable, new CircuitBreakerGate(breaker, sink, provider.Model)) };
            foreach (var gateFactory in clientOptions.AdmissionGates)
            {
                if (gateFactory(routed) is { } gate)
                {
                    gates.Add(gate);
                }
            }

            if (costs is not null)
            {
                routed.Pricing = costs.Owner.Resolve(costs, provider, adapter);
                if (costs.Budgets is { } budgets && provider.Enabled && budgets.AppliesTo(provider.Name))
                {
                    gates.Add(new BudgetGate(budgets, routed));
                }
            }

            if ((provider.RateLimit ?? options.RateLimit) is { } limit)
            {
                // Last: a permit is taken only when every other gate admitted the attempt.
                gates.Add(new RateLimitGate(routed, limit, _rateLimits.Get(provider.Name, "requests", limit.RequestsPerMinute), _rateLimits.Get(provider.Name, "tokens", limit.TokensPerMinute),
                    rateLimitStore, time, breakerOptions.StoreTimeout, logger));
                if (limit.TokensPerMinute is not null && Interlocked.Exchange(ref _correctsTokens, 1) == 0)
                {
                    // Token reservations are corrected from the usage each attempt reports (once per client, kept across reloads).
                    sink.Subscribe(new RateLimitSubscriber());
                }
            }

            routed.Gates = [.. gates];
            return routed;
        }
        catch
        {
            if (owns)
            {
                client.Dispose();
            }

            throw;
        }
    }

    private static ErrorPolicy[] BuildPolicies(FlexiAIOptions options)
    {
        var categories = Enum.GetValues<ErrorCategory>();
        var policies = new ErrorPolicy[categories.Length];
        var counted = LegacyExpectedExceptions.Map(options.CircuitBreaker.ExpectedExceptions);
        foreach (var category in categories)
        {
            var policy = options.GetErrorPolicy(category);
            if (counted is not null && !options.ErrorPolicies.ContainsKey(category))
            {
                policy = policy with { CountsTowardBreaker = counted.Contains(category) };
            }

            policies[(int)category] = policy;
        }

        return policies;
    }
}
