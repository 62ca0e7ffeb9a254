using FlexiAI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers FlexiAI clients in an <see cref="IServiceCollection"/>, configured through the options system.</summary>
/// <remarks>
/// <para>
/// Each client has a name; the default client's is <see cref="Microsoft.Extensions.Options.Options.DefaultName"/> (empty). Its <see cref="FlexiAIOptions"/> are
/// named options: bound from the section with FlexiAI's own binder, then <c>configure</c>, then anything registered with
/// <c>services.Configure&lt;FlexiAIOptions&gt;(name, …)</c>; read them with <see cref="IOptionsMonitor{TOptions}.Get(string)"/>.
/// They are validated with FlexiAI's validator on host start (<c>ValidateOnStart</c>): an invalid configuration stops the host with an
/// <see cref="OptionsValidationException"/> listing every problem with its path and fix; resolving an invalid client outside a host
/// throws <see cref="ConfigurationException"/>.
/// </para>
/// <para>
/// The default client is registered as <see cref="FlexiAIClient"/> and <see cref="IChatClient"/>; a named client as the keyed services
/// <c>[FromKeyedServices("name")] FlexiAIClient</c> and <c>[FromKeyedServices("name")] IChatClient</c>. Each is a singleton that takes
/// from the container, when registered: <see cref="TimeProvider"/>, <see cref="Logging.ILoggerFactory"/>, every
/// <see cref="ProviderFactory"/>, <see cref="FlexiAIHooks"/> and the breakers' <see cref="ICircuitStateStore"/> (keyed by the client's
/// name first, then unkeyed; a store set in the options wins).
/// </para>
/// <para>
/// When the section reloads (its reload token fires), the options are bound and validated again and the client reloads with
/// <see cref="FlexiAIClient.ReloadAsync"/>, keeping breaker state; an invalid change is logged and the previous configuration stays,
/// in the client and in <see cref="IOptionsMonitor{TOptions}"/>.
/// </para>
/// </remarks>
public static class FlexiAIServiceCollectionExtensions
{
    /// <summary>Registers the default FlexiAI client, configured from <paramref name="section"/> (then <paramref name="configure"/>).</summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The configuration section, e.g. <c>builder.Configuration.GetSection("FlexiAI")</c>.</param>
    /// <param name="configure">Code overrides, applied after the section.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="InvalidOperationException">The default client is already registered.</exception>
    public static IServiceCollection AddFlexiAI(this IServiceCollection services, IConfiguration section, Action<FlexiAIOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        return Register(services, Options.Options.DefaultName, section, configure);
    }

    /// <summary>Registers the default FlexiAI client, configured in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Builds the options.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="InvalidOperationException">The default client is already registered.</exception>
    public static IServiceCollection AddFlexiAI(this IServiceCollection services, Action<FlexiAIOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Register(services, Options.Options.DefaultName, section: null, configure);
    }

    /// <summary>Registers a named FlexiAI client (keyed services under <paramref name="name"/>), configured from <paramref name="section"/> (then <paramref name="configure"/>).</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The client's name: its options' name and its service key.</param>
    /// <param name="section">The configuration section, e.g. <c>builder.Configuration.GetSection("FlexiAI:Cheap")</c>.</param>
    /// <param name="configure">Code overrides, applied after the section.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="InvalidOperationException">A client with that name is already registered.</exception>
    public static IServiceCollection AddFlexiAI(this IServiceCollection services, string name, IConfiguration section, Action<FlexiAIOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(section);
        return Register(services, name, section, configure);
    }

    /// <summary>Registers a named FlexiAI client (keyed services under <paramref name="name"/>), configured in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The client's name: its options' name and its service key.</param>
    /// <param name="configure">Builds the options.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="InvalidOperationException">A client with that name is already registered.</exception>
    public static IServiceCollection AddFlexiAI(this IServiceCollection services, string name, Action<FlexiAIOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        return Register(services, name, section: null, configure);
    }

    private static IServiceCollection Register(IServiceCollection services, string name, IConfiguration? section, Action<FlexiAIOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        var registrations = Registrations(services);
        if (!registrations.Add(name, section))
        {
            throw new InvalidOperationException(
                $"FlexiAI client {FlexiAIRegistrations.Display(name)} is already registered. Call AddFlexiAI once per client; give other clients their own names, e.g. services.AddFlexiAI(\"backup\", section).");
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FlexiAIOptions>, FlexiAIOptionsValidator>());
        var builder = services.AddOptions<FlexiAIOptions>(name);
        if (section is not null)
        {
            services.AddSingleton<IConfigureOptions<FlexiAIOptions>>(new FlexiAISectionBinding(name, section, registrations));
        }

        if (configure is not null)
        {
            builder.Configure(configure);
        }

        builder.ValidateOnStart();

        if (name.Length == 0)
        {
            services.TryAddSingleton(provider => FlexiAIClientActivator.Create(provider, name));
            services.TryAddSingleton<IChatClient>(provider => FlexiAICache.WrapIfConfigured(provider.GetRequiredService<FlexiAIClient>(), provider));
        }
        else
        {
            services.TryAddKeyedSingleton(name, (provider, _) => FlexiAIClientActivator.Create(provider, name));
            services.TryAddKeyedSingleton<IChatClient>(name, (provider, key) => FlexiAICache.WrapIfConfigured(provider.GetRequiredKeyedService<FlexiAIClient>(key), provider));
        }

        return services;
    }

    private static FlexiAIRegistrations Registrations(IServiceCollection services)
    {
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(FlexiAIRegistrations) && !descriptor.IsKeyedService && descriptor.ImplementationInstance is FlexiAIRegistrations existing)
            {
                return existing;
            }
        }

        var registrations = new FlexiAIRegistrations();
        services.AddSingleton(registrations);
        return registrations;
    }
}
