using FlexiAI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers FlexiAI in an <see cref="IServiceCollection"/>.</summary>
public static class FlexiAIServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="FlexiAIClient"/> configured from <paramref name="section"/> (then <paramref name="configure"/>),
    /// and <see cref="IChatClient"/> resolving to it unless one is already registered.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The configuration section, e.g. <c>builder.Configuration.GetSection("FlexiAI")</c>.</param>
    /// <param name="configure">Code overrides, applied last.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <remarks>
    /// The client takes, when registered: <see cref="TimeProvider"/>, <see cref="ILoggerFactory"/>, <see cref="FlexiAIHooks"/> and every
    /// <see cref="ProviderFactory"/>. Configuration errors surface as a <see cref="ConfigurationException"/> when the client is first resolved.
    /// When the section reloads (its reload token fires), the client reloads with <see cref="FlexiAIClient.ReloadAsync"/>, keeping
    /// breaker state; an invalid change is logged and the previous configuration stays.
    /// </remarks>
    public static IServiceCollection AddFlexiAI(this IServiceCollection services, IConfiguration section, Action<FlexiAIOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        return Register(services, () => FlexiAIConfiguration.FromConfiguration(section, configure), section);
    }

    /// <summary>Registers a singleton <see cref="FlexiAIClient"/> configured in code, and <see cref="IChatClient"/> resolving to it unless one is already registered.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Builds the options.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddFlexiAI(this IServiceCollection services, Action<FlexiAIOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        return Register(
            services,
            () =>
            {
                var options = new FlexiAIOptions();
                configure(options);
                return options;
            },
            section: null);
    }

    private static IServiceCollection Register(IServiceCollection services, Func<FlexiAIOptions> options, IConfiguration? section)
    {
        services.TryAddSingleton(provider =>
        {
            var clientOptions = new FlexiAIClientOptions
            {
                TimeProvider = provider.GetService<TimeProvider>() ?? TimeProvider.System,
                LoggerFactory = provider.GetService<ILoggerFactory>(),
                Hooks = provider.GetService<FlexiAIHooks>(),
            };
            foreach (var factory in provider.GetServices<ProviderFactory>())
            {
                clientOptions.ProviderFactories.Add(factory);
            }

            var client = new FlexiAIClient(options(), clientOptions);
            if (section is not null)
            {
                // appsettings.json edits, Azure App Configuration refreshes …: reload without losing breaker state.
                client.ReloadOnChange(section.GetReloadToken, options, "the configuration section");
            }

            return client;
        });
        services.TryAddSingleton<IChatClient>(provider => provider.GetRequiredService<FlexiAIClient>());
        return services;
    }
}
