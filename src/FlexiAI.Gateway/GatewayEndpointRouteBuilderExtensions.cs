using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlexiAI.Gateway;

/// <summary>Maps the gateway's endpoints into an ASP.NET Core app (after <see cref="GatewayServiceCollectionExtensions.AddFlexiAIGateway"/>).</summary>
public static class GatewayEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>POST /v1/chat/completions</c> and <c>GET /v1/models</c> (gateway key), <c>/health</c>, <c>/health/live</c>,
    /// <c>/health/ready</c> and <c>/metrics</c> (open unless <see cref="GatewayOptions.ProtectMetrics"/>), and the admin area
    /// (<c>/admin/status</c>, <c>/admin/cost</c> over every route's client; admin key).
    /// </summary>
    /// <param name="endpoints">The app's endpoint builder.</param>
    /// <returns>The mapped endpoints; map admin-only endpoints on <see cref="GatewayEndpoints.Admin"/>.</returns>
    public static GatewayEndpoints MapFlexiAIGateway(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var gateway = endpoints.ServiceProvider.GetRequiredService<FlexiAIGateway>();
        var logger = endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("FlexiAI.Gateway");
        var chat = new ChatCompletionsHandler(gateway, logger);
        endpoints.MapPost("/v1/chat/completions", chat.HandleAsync);
        endpoints.MapGet("/v1/models", context => ModelsAsync(context, gateway));

        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        endpoints.MapHealthChecks("/health");

        var admin = endpoints.MapGroup(string.Empty).RequireAuthorization(GatewayAuthorization.AdminPolicy);
        var metrics = endpoints.MapPrometheusScrapingEndpoint("/metrics");
        if (gateway.Options.ProtectMetrics)
        {
            metrics.RequireAuthorization(GatewayAuthorization.AdminPolicy);
        }

        admin.MapGet("/admin/status", context => GatewayAdmin.StatusAsync(context, gateway));
        admin.MapGet("/admin/cost", context => GatewayAdmin.CostAsync(context, gateway));
        return new GatewayEndpoints(admin);
    }

    private static async Task ModelsAsync(HttpContext context, FlexiAIGateway gateway)
    {
        if (gateway.Keys.FromAuthorizationHeader(context.Request.Headers.Authorization) is not { } key)
        {
            context.Response.StatusCode = 401;
            context.Response.ContentType = "application/json";
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
            ChatCompletionWriter.WriteError(buffer, "Incorrect or missing gateway key. Send 'Authorization: Bearer <gateway key>'.", "invalid_request_error", null, "invalid_api_key");
            await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "application/json";
        var json = new Utf8JsonWriter(context.Response.Body);
        await using (json.ConfigureAwait(false))
        {
        json.WriteStartObject();
        json.WriteString("object", "list");
        json.WriteStartArray("data");
        foreach (var model in gateway.Models.Where(key.MayUse))
        {
            json.WriteStartObject();
            json.WriteString("id", model);
            json.WriteString("object", "model");
            json.WriteNumber("created", 0);
            json.WriteString("owned_by", "flexiai");
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        }
    }
}
