using FlexiAI;
using FlexiAI.Dashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the FlexiAI dashboard: <c>app.MapFlexiAIDashboard("/flexiai", o => o.RequireAuthorization("ops"))</c>.</summary>
public static class FlexiAIDashboardEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves the FlexiAI dashboard under <paramref name="prefix"/>: the page (<c>{prefix}/</c>), its script and style, the JSON
    /// snapshot (<c>{prefix}/api/snapshot</c>) and, when <see cref="FlexiAIDashboardOptions.EnableAdminActions"/> was called, the
    /// breaker actions (<c>POST {prefix}/api/breakers/{name}/reset</c> and <c>…/trip</c>). Nothing is served unless this is called.
    /// </summary>
    /// <param name="endpoints">The app or route group.</param>
    /// <param name="prefix">The path prefix, e.g. <c>/flexiai</c>.</param>
    /// <param name="configure">
    /// Chooses who may see it — <see cref="FlexiAIDashboardOptions.RequireAuthorization(string[])"/> or, knowingly,
    /// <see cref="FlexiAIDashboardOptions.AllowAnonymous"/>; one of them is required — and optionally the client and the admin actions.
    /// </param>
    /// <returns>The route group of the dashboard's endpoints, for more conventions (rate limiting, CORS, filters).</returns>
    /// <exception cref="InvalidOperationException">No authorization decision was made, or no <see cref="FlexiAIClient"/> is registered.</exception>
    public static IEndpointConventionBuilder MapFlexiAIDashboard(this IEndpointRouteBuilder endpoints, string prefix, Action<FlexiAIDashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = new FlexiAIDashboardOptions();
        configure?.Invoke(options);
        var path = DashboardEndpoints.NormalizePrefix(prefix);
        DashboardEndpoints.Validate(options, path);
        var client = options.Client ?? ResolveClient(endpoints.ServiceProvider, options.ServiceKey, path);
        var monitor = new FlexiAIDashboardMonitor(client, options.TimelineCapacity);
        return DashboardEndpoints.Map(endpoints, path, options, monitor);
    }

    private static FlexiAIClient ResolveClient(IServiceProvider services, string? key, string prefix)
    {
        var client = key is null ? services.GetService<FlexiAIClient>() : services.GetKeyedService<FlexiAIClient>(key);
        return client ?? throw new InvalidOperationException(
            $"MapFlexiAIDashboard(\"{prefix}\") found no {(key is null ? "default FlexiAIClient" : $"FlexiAIClient named '{key}'")} in the app's services: " +
            "register one with services.AddFlexiAI(…) before building the app, or pass it with options.Client.");
    }
}
