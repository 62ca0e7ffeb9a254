using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FlexiAI.Dashboard;

/// <summary>The dashboard's endpoints: the page and its assets (embedded in this assembly), the JSON snapshot and the admin actions.</summary>
internal static class DashboardEndpoints
{
    /// <summary>The header the admin actions require: a cross-site form cannot set it, so a forged POST is refused.</summary>
    public const string ActionHeader = "X-FlexiAI-Dashboard";

    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static string NormalizePrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var trimmed = prefix.Trim().TrimEnd('/');
        if (trimmed.Length == 0 || trimmed[0] != '/' || trimmed.Contains('{', StringComparison.Ordinal) || trimmed.Contains('?', StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"MapFlexiAIDashboard needs a path prefix that starts with '/' and is not the root, such as \"/flexiai\"; got \"{prefix}\".", nameof(prefix));
        }

        return trimmed;
    }

    public static void Validate(FlexiAIDashboardOptions options, string prefix)
    {
        var policies = options.AuthorizationPolicies.Count > 0 || options.AuthorizationPolicy is not null;
        if (!policies && !options.AnonymousAllowed)
        {
            throw new InvalidOperationException(
                $"MapFlexiAIDashboard(\"{prefix}\") needs an authorization decision: call options.RequireAuthorization(\"policy\") so only authorized callers see it, " +
                "or options.AllowAnonymous() to show it to anyone who can reach the path (only on a closed network; see docs/dashboard.md).");
        }

        if (policies && options.AnonymousAllowed)
        {
            throw new InvalidOperationException(
                $"MapFlexiAIDashboard(\"{prefix}\") was given both an authorization policy and AllowAnonymous(); choose one.");
        }

        if (options.TimelineCapacity is < 1 or > 1000)
        {
            throw new InvalidOperationException($"MapFlexiAIDashboard(\"{prefix}\"): TimelineCapacity must be between 1 and 1000; got {options.TimelineCapacity}.");
        }
    }

    public static IEndpointConventionBuilder Map(IEndpointRouteBuilder endpoints, string prefix, FlexiAIDashboardOptions options, FlexiAIDashboardMonitor monitor)
    {
        var group = endpoints.MapGroup(prefix);
        if (options.AuthorizationPolicies.Count > 0)
        {
            group.RequireAuthorization([.. options.AuthorizationPolicies]);
        }

        if (options.AuthorizationPolicy is { } policy)
        {
            group.RequireAuthorization(policy);
        }

        var page = Asset("index.html");
        var script = Asset("dashboard.js");
        var style = Asset("dashboard.css");
        group.MapGet("/", context =>
        {
            // The page's relative URLs (dashboard.js, api/snapshot) need the trailing slash.
            if (!context.Request.Path.Value!.EndsWith('/'))
            {
                context.Response.Redirect($"{context.Request.PathBase}{context.Request.Path}/{context.Request.QueryString}");
                return Task.CompletedTask;
            }

            context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
            context.Response.Headers["Referrer-Policy"] = "no-referrer";
            return SendAsync(context, page, "text/html; charset=utf-8");
        }).WithDisplayName("FlexiAI dashboard page");
        group.MapGet("/dashboard.js", context => SendAsync(context, script, "text/javascript; charset=utf-8")).WithDisplayName("FlexiAI dashboard script");
        group.MapGet("/dashboard.css", context => SendAsync(context, style, "text/css; charset=utf-8")).WithDisplayName("FlexiAI dashboard style");
        group.MapGet("/api/snapshot", async context =>
        {
            var admin = options.AdminPolicy is { } name && await IsAuthorizedAsync(context, name).ConfigureAwait(false);
            await SendAsync(context, Encoding.UTF8.GetBytes(await monitor.GetSnapshotJsonAsync(admin, cancellationToken: context.RequestAborted).ConfigureAwait(false)), "application/json; charset=utf-8").ConfigureAwait(false);
        }).WithDisplayName("FlexiAI dashboard snapshot");

        if (options.AdminPolicy is { } adminPolicy)
        {
            group.MapPost("/api/breakers/{name}/reset", context => ActAsync(context, monitor.Client, trip: false))
                .RequireAuthorization(adminPolicy).WithDisplayName("FlexiAI dashboard: reset a breaker");
            group.MapPost("/api/breakers/{name}/trip", context => ActAsync(context, monitor.Client, trip: true))
                .RequireAuthorization(adminPolicy).WithDisplayName("FlexiAI dashboard: trip a breaker");
        }

        return group;
    }

    private static async Task ActAsync(HttpContext context, FlexiAIClient client, bool trip)
    {
        NoStore(context);
        if (!string.Equals(context.Request.Headers[ActionHeader], "1", StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync($"A breaker action needs the request header {ActionHeader}: 1 (the dashboard page sends it).", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var name = context.Request.RouteValues["name"] as string ?? string.Empty;
        var provider = client.GetProviderStatus().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
        if (provider is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsync("No provider of that name is configured.", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        if (trip)
        {
            await client.TripCircuitBreakerAsync(provider.Name, context.RequestAborted).ConfigureAwait(false);
        }
        else
        {
            await client.ResetCircuitBreakersAsync(provider.Name, context.RequestAborted).ConfigureAwait(false);
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>Whether the caller satisfies the policy, evaluated as the authorization middleware would (its schemes authenticated).</summary>
    private static async Task<bool> IsAuthorizedAsync(HttpContext context, string policyName)
    {
        var services = context.RequestServices;
        var provider = services.GetService<IAuthorizationPolicyProvider>();
        var evaluator = services.GetService<IPolicyEvaluator>();
        if (provider is null || evaluator is null)
        {
            return false;
        }

        var policy = await provider.GetPolicyAsync(policyName).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The dashboard's admin policy '{policyName}' is not registered: add it with services.AddAuthorization(o => o.AddPolicy(\"{policyName}\", …)).");
        var authentication = await evaluator.AuthenticateAsync(policy, context).ConfigureAwait(false);
        var result = await evaluator.AuthorizeAsync(policy, authentication, context, resource: null).ConfigureAwait(false);
        return result.Succeeded;
    }

    private static Task SendAsync(HttpContext context, byte[] body, string contentType)
    {
        NoStore(context);
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    private static void NoStore(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.XContentTypeOptions = "nosniff";
    }

    private static byte[] Asset(string name)
    {
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("FlexiAI.Dashboard.Assets." + name)
            ?? throw new InvalidOperationException($"The dashboard asset {name} is missing from {typeof(DashboardEndpoints).Assembly.GetName().Name}; the package is damaged.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
