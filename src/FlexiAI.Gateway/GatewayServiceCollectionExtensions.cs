using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace FlexiAI.Gateway;

/// <summary>Registers the gateway's services in an ASP.NET Core app.</summary>
public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// Registers <paramref name="gateway"/>, the gateway-key authentication scheme and admin policy, the <c>flexiai</c> health check
    /// (tag <c>ready</c>), and metrics (the <c>FlexiAI</c> meter and ASP.NET Core's) for the Prometheus scrape at <c>/metrics</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="gateway">The gateway; the caller keeps ownership (dispose it after the app stops).</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddFlexiAIGateway(this IServiceCollection services, FlexiAIGateway gateway)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(gateway);
        services.AddSingleton(gateway);
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, GatewayKeyAuthenticationHandler>(GatewayAuthorization.Scheme, null);
        services.AddAuthorizationBuilder().AddPolicy(GatewayAuthorization.AdminPolicy, policy => policy
            .AddAuthenticationSchemes(GatewayAuthorization.Scheme)
            .RequireAuthenticatedUser()
            .RequireClaim(GatewayAuthorization.AdminClaim, "true"));
        services.AddHealthChecks().AddFlexiAI(client: _ => gateway.Client, tags: ["ready"]);
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(FlexiAITelemetry.SourceName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
            .AddPrometheusExporter());
        return services;
    }
}
