using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlexiAI;

/// <summary>Builds the <see cref="FlexiAIClient"/> of one registered name from the container: its options through the options system, its services from DI.</summary>
internal static class FlexiAIClientActivator
{
    public static FlexiAIClient Create(IServiceProvider services, string name)
    {
        var registrations = services.GetRequiredService<FlexiAIRegistrations>();
        var monitor = services.GetRequiredService<IOptionsMonitor<FlexiAIOptions>>();
        var options = Get(registrations, name, () => monitor.Get(name));

        var clientOptions = new FlexiAIClientOptions
        {
            TimeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System,
            LoggerFactory = services.GetService<ILoggerFactory>(),
            Hooks = Keyed<FlexiAIHooks>(services, name) ?? services.GetService<FlexiAIHooks>(),
        };
        foreach (var factory in services.GetServices<ProviderFactory>())
        {
            clientOptions.ProviderFactories.Add(factory);
        }

        foreach (var storeFactory in services.GetServices<CircuitStoreFactory>())
        {
            clientOptions.StoreFactories.Add(storeFactory);
        }

        var store = Keyed<ICircuitStateStore>(services, name) ?? services.GetService<ICircuitStateStore>();
        var client = new FlexiAIClient(WithStore(options, store), clientOptions);
        if (registrations.Section(name) is { } section)
        {
            // appsettings.json edits, Azure App Configuration refreshes …: rebuild the named options (bound and validated by the
            // options system), make them the monitor's current value, and reload the client without losing breaker state. A change
            // that does not validate is logged by the client and both keep the previous configuration.
            var factory = services.GetRequiredService<IOptionsFactory<FlexiAIOptions>>();
            var cache = services.GetRequiredService<IOptionsMonitorCache<FlexiAIOptions>>();
            client.ReloadOnChange(
                section.GetReloadToken,
                () =>
                {
                    var fresh = Get(registrations, name, () => factory.Create(name));
                    cache.TryRemove(name);
                    cache.TryAdd(name, fresh);
                    return WithStore(fresh, store);
                },
                $"the configuration of FlexiAI client {FlexiAIRegistrations.Display(name)}");
        }

        return client;
    }

    private static FlexiAIOptions Get(FlexiAIRegistrations registrations, string name, Func<FlexiAIOptions> get)
    {
        try
        {
            return get();
        }
        catch (OptionsValidationException) when (registrations.LastErrors(name) is { } errors)
        {
            // The same exception type and errors a FlexiAIClient built by hand throws (the options system's report says the same).
            throw new ConfigurationException(errors);
        }
    }

    private static FlexiAIOptions WithStore(FlexiAIOptions options, ICircuitStateStore? store)
    {
        if (store is null || options.CircuitBreaker.StateStore is not null)
        {
            return options;
        }

        var copy = options.Clone();
        copy.CircuitBreaker.StateStore = store;
        return copy;
    }

    private static T? Keyed<T>(IServiceProvider services, string name)
        where T : class =>
        name.Length > 0 && services is IKeyedServiceProvider keyed ? keyed.GetKeyedService(typeof(T), name) as T : null;
}
