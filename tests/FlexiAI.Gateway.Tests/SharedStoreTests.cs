using Microsoft.Extensions.Logging;

namespace FlexiAI.Gateway.Tests;

/// <summary>A configured shared store (<c>circuit_breaker.store</c>, e.g. Redis) is what every route's client uses — not an in-process one.</summary>
public sealed class SharedStoreTests
{
    [Fact]
    public async Task Every_route_client_uses_the_configured_shared_store()
    {
        var factory = new CountingStoreFactory();
        var options = new FlexiAIOptions();
        options.CircuitBreaker.Store = new CircuitStoreOptions { Type = "shared-test", Connection = "test" };
        options.Providers.Add(new ProviderOptions { Name = "openai", Type = "openai", Priority = 1, Model = "gpt-4.1-mini", ApiKey = "k", BaseUrl = new Uri("http://127.0.0.1:1/") });
        options.Providers.Add(new ProviderOptions { Name = "anthropic", Type = "anthropic", Priority = 2, Model = "claude-sonnet-4-5", ApiKey = "k", BaseUrl = new Uri("http://127.0.0.1:1/") });
        var settings = new GatewayOptions();
        settings.Keys.Add(new GatewayKeyOptions { Key = GatewayRig.Key });
        settings.Routes["cheap"] = ["anthropic"];
        var clientOptions = new FlexiAIClientOptions();
        clientOptions.StoreFactories.Add(factory);

        using var gateway = new FlexiAIGateway(options, settings, clientOptions);
        await gateway.FindRoute("default")!.TripCircuitBreakerAsync("anthropic", TestContext.Current.CancellationToken);

        Assert.True(factory.Created >= 2, $"the shared store factory was asked {factory.Created} times");
        var cheap = await gateway.FindRoute("cheap")!.GetProviderStatusAsync(TestContext.Current.CancellationToken);
        Assert.Equal(CircuitState.Open, Assert.Single(cheap).State);
    }

    private sealed class CountingStoreFactory : CircuitStoreFactory
    {
        private readonly InMemoryCircuitStateStore _shared = new();

        public int Created { get; private set; }

        public override string Type => "shared-test";

        public override FleetStores Create(CircuitStoreOptions options, TimeProvider time, ILoggerFactory loggerFactory)
        {
            Created++;
            return new FleetStores(_shared);
        }
    }
}
