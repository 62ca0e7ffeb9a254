using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace FlexiAI.Cli.Commands;

/// <summary>Shows a metrics snapshot (the JSON of <see cref="MetricsSnapshot.ToJson"/>, live or from a file) as a summary line and a table.</summary>
internal static class MetricsView
{
    public static string Summary(JsonNode snapshot)
    {
        var totals = snapshot["totals"]!;
        return $"{Long(totals["requests"])} requests, {Long(totals["succeeded"])} answered, {Long(totals["failed"])} failed, {Long(totals["failovers"])} failed over";
    }

    public static Table Table(JsonNode snapshot)
    {
        var window = snapshot["window_seconds"]?.GetValue<double>() ?? 0;
        var table = new Table()
            .Title($"metrics (rates and percentiles over the last {(window / 60).ToString("0.#", CultureInfo.InvariantCulture)} min)")
            .AddColumns("provider", "circuit", "calls", "ok", "failures", "skips", "trips", "success", "p50", "p95", "p99", "tokens in/out", "last error");
        foreach (var p in snapshot["providers"]!.AsArray())
        {
            var latency = p!["latency_ms"];
            var rate = p["success_rate"]?.GetValue<double>();
            var error = p["last_error"];
            table.AddRow(
                Markup.Escape(p["name"]!.GetValue<string>()),
                p["circuit_state"]!.GetValue<string>(),
                Long(p["requests"]),
                Long(p["successes"]),
                Failures(p),
                Long(p["skips"]),
                Long(p["breaker_trips"]),
                rate is { } r ? r.ToString("P0", CultureInfo.InvariantCulture) : "-",
                Ms(latency?["p50"]),
                Ms(latency?["p95"]),
                Ms(latency?["p99"]),
                $"{Long(p["input_tokens"])}/{Long(p["output_tokens"])}",
                error is null ? "-" : Markup.Escape(error["category"]!.GetValue<string>() + (error["status_code"] is { } s ? $" ({s.GetValue<int>()})" : string.Empty)));
        }

        return table;
    }

    /// <summary>Plain lines, one per provider, for output that is not a terminal.</summary>
    public static IEnumerable<string> Lines(JsonNode snapshot)
    {
        foreach (var p in snapshot["providers"]!.AsArray())
        {
            var latency = p!["latency_ms"];
            yield return $"  {p["name"]!.GetValue<string>(),-10} circuit {p["circuit_state"]!.GetValue<string>(),-9} calls {Long(p["requests"]),3}  failures {Failures(p),-16}  skips {Long(p["skips"]),2}  trips {Long(p["breaker_trips"])}  p50 {Ms(latency?["p50"])}  p95 {Ms(latency?["p95"])}";
        }
    }

    private static string Failures(JsonNode provider)
    {
        var total = Long(provider["failures"]);
        var byCategory = provider["failures_by_category"]!.AsObject();
        return byCategory.Count == 0 ? total : $"{total} ({string.Join(", ", byCategory.Select(c => $"{c.Key} {Long(c.Value)}"))})";
    }

    private static string Long(JsonNode? node) => (node?.GetValue<long>() ?? 0).ToString(CultureInfo.InvariantCulture);

    private static string Ms(JsonNode? node) => node is null ? "-" : $"{node.GetValue<double>().ToString("0", CultureInfo.InvariantCulture)} ms";
}
