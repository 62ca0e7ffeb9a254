using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace FlexiAI.Gateway;

/// <summary>
/// <c>/admin/status</c> and <c>/admin/cost</c> over every route's client, not only the <c>default</c> route's: each route has its own
/// <see cref="FlexiAIClient"/> (and so its own cost ledger), sharing one breaker state and one budget store.
/// </summary>
internal static class GatewayAdmin
{
    /// <summary>
    /// The providers of every route, each once (by name): model, breaker state (one shared state store, so every route sees the
    /// same), and the route names that use it (none for a disabled provider no route names).
    /// </summary>
    public static async Task StatusAsync(HttpContext context, FlexiAIGateway gateway)
    {
        var providers = new List<(ProviderStatus Status, List<string> Routes)>();
        foreach (var (route, names) in gateway.DistinctRoutes)
        {
            foreach (var status in await route.Client.GetProviderStatusAsync(context.RequestAborted).ConfigureAwait(false))
            {
                // A disabled provider is listed (position 0) but no route of this client sends it requests.
                var uses = status.Position > 0 ? names : [];
                var index = providers.FindIndex(p => string.Equals(p.Status.Name, status.Name, StringComparison.OrdinalIgnoreCase));
                if (index < 0)
                {
                    providers.Add((status, [.. uses]));
                }
                else
                {
                    providers[index].Routes.AddRange(uses.Where(n => !providers[index].Routes.Contains(n, StringComparer.Ordinal)));
                }
            }
        }

        context.Response.ContentType = "application/json";
        var json = new Utf8JsonWriter(context.Response.Body);
        await using (json.ConfigureAwait(false))
        {
            json.WriteStartObject();
            json.WriteStartArray("providers");
            foreach (var (status, routes) in providers)
            {
                json.WriteStartObject();
                json.WriteString("name", status.Name);
                json.WriteString("model", status.Model);
                json.WriteString("state", status.State.ToString());
                json.WriteStartArray("routes");
                foreach (var route in routes)
                {
                    json.WriteStringValue(route);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }
    }

    /// <summary>
    /// The gateway's spending: the totals (and per provider, model and tag) summed over every route's client, then per route
    /// (<c>routes[]</c>: the names that select it, its total and requests). <c>?period=today|this_month|since_start</c> (default since_start).
    /// </summary>
    public static async Task CostAsync(HttpContext context, FlexiAIGateway gateway)
    {
        var text = context.Request.Query["period"].ToString();
        CostPeriod period;
        switch (text)
        {
            case "" or "since_start":
                period = CostPeriod.SinceStart;
                break;
            case "today":
                period = CostPeriod.Today;
                break;
            case "this_month":
                period = CostPeriod.ThisMonth;
                break;
            default:
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                context.Response.ContentType = "application/json";
                var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
                ChatCompletionWriter.WriteError(buffer, "The query parameter period must be today, this_month or since_start.", "invalid_request_error", "period", "invalid_period");
                await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
                return;
        }

        var reports = gateway.DistinctRoutes.Select(r => (r.Names, Report: r.Route.Client.GetCostReport(period))).ToList();
        context.Response.ContentType = "application/json";
        var json = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Indented = true });
        await using (json.ConfigureAwait(false))
        {
            var first = reports[0].Report;
            json.WriteStartObject();
            json.WriteString("period", period switch { CostPeriod.Today => "today", CostPeriod.ThisMonth => "this_month", _ => "since_start" });
            json.WriteString("from", reports.Min(r => r.Report.From));
            json.WriteString("as_of", first.AsOf);
            json.WriteString("currency", "USD");
            json.WriteNumber("total", reports.Sum(r => r.Report.Total));
            json.WriteNumber("requests", reports.Sum(r => r.Report.Requests));
            json.WriteNumber("unpriced_requests", reports.Sum(r => r.Report.UnpricedRequests));
            Totals(json, "by_provider", reports.Select(r => r.Report.ByProvider));
            Totals(json, "by_model", reports.Select(r => r.Report.ByModel));
            Totals(json, "by_tag", reports.Select(r => r.Report.ByTag));
            json.WriteStartArray("routes");
            foreach (var (names, report) in reports)
            {
                json.WriteStartObject();
                json.WriteStartArray("names");
                foreach (var name in names)
                {
                    json.WriteStringValue(name);
                }

                json.WriteEndArray();
                json.WriteNumber("total", report.Total);
                json.WriteNumber("requests", report.Requests);
                json.WriteNumber("unpriced_requests", report.UnpricedRequests);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }
    }

    private static void Totals(Utf8JsonWriter json, string name, IEnumerable<IReadOnlyDictionary<string, decimal>> parts)
    {
        var sums = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            foreach (var (key, value) in part)
            {
                sums[key] = sums.GetValueOrDefault(key) + value;
            }
        }

        json.WriteStartObject(name);
        foreach (var (key, value) in sums.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            json.WriteNumber(key, value);
        }

        json.WriteEndObject();
    }
}
