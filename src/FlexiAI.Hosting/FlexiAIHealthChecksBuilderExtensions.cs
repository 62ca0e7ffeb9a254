using FlexiAI;
using FlexiAI.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the FlexiAI health check: <c>services.AddHealthChecks().AddFlexiAI()</c>.</summary>
public static class FlexiAIHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a health check of the <see cref="FlexiAIClient"/> registered in the container (e.g. by <c>services.AddFlexiAI(…)</c>), or of
    /// the one <paramref name="client"/> returns. See <see cref="FlexiAIHealthCheck"/> for the states.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name. Default <c>flexiai</c>.</param>
    /// <param name="configure">Sets options, e.g. turns the credential probe on.</param>
    /// <param name="client">Resolves the client; <see langword="null"/> for the registered <see cref="FlexiAIClient"/>.</param>
    /// <param name="failureStatus">The status reported when every breaker is open. Default <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by (e.g. <c>ready</c>).</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    public static IHealthChecksBuilder AddFlexiAI(
        this IHealthChecksBuilder builder,
        string name = "flexiai",
        Action<FlexiAIHealthCheckOptions>? configure = null,
        Func<IServiceProvider, FlexiAIClient>? client = null,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var options = new FlexiAIHealthCheckOptions();
        configure?.Invoke(options);
        return builder.Add(new HealthCheckRegistration(
            name,
            services => new FlexiAIHealthCheck(client?.Invoke(services) ?? services.GetRequiredService<FlexiAIClient>(), options),
            failureStatus,
            tags));
    }
}
