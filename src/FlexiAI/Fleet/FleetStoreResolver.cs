using Microsoft.Extensions.Logging;

namespace FlexiAI;

/// <summary>Finds the factory for <c>circuit_breaker.store</c> and asks it for the fleet's stores.</summary>
internal static class FleetStoreResolver
{
    public static FleetStores? Resolve(CircuitStoreOptions? options, FlexiAIClientOptions clientOptions, TimeProvider time, ILoggerFactory loggerFactory)
    {
        if (options is null || string.Equals(options.Type?.Trim(), "memory", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var type = options.Type!.Trim();
        foreach (var factory in clientOptions.StoreFactories)
        {
            if (string.Equals(factory.Type, type, StringComparison.OrdinalIgnoreCase))
            {
                return factory.Create(options, time, loggerFactory);
            }
        }

        var hint = string.Equals(type, "redis", StringComparison.OrdinalIgnoreCase)
            ? "Add the FlexiAI.Redis package and register it: services.AddFlexiAI(...).UseRedis() in a service container, or clientOptions.UseRedis() when you build FlexiAIClient yourself."
            : "Register a CircuitStoreFactory for it (FlexiAIClientOptions.StoreFactories or the service container), or use \"memory\" or \"redis\" (package FlexiAI.Redis).";
        var known = clientOptions.StoreFactories.Count == 0 ? "none" : string.Join(", ", clientOptions.StoreFactories.Select(f => f.Type));
        throw new ConfigurationException("circuit_breaker.store.type", $"No store factory is registered for store type '{type}' (registered: {known}). {hint}");
    }
}
