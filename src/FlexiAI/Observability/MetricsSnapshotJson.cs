using System.Buffers;
using System.Text;
using System.Text.Json;

namespace FlexiAI;

/// <summary>Writes a <see cref="MetricsSnapshot"/> as JSON: snake_case names, durations in milliseconds, enums by name.</summary>
internal static class MetricsSnapshotJson
{
    public static string Write(MetricsSnapshot snapshot, bool indented)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            w.WriteStartObject();
            w.WriteString("captured_at", snapshot.CapturedAt);
            w.WriteString("since", snapshot.Since);
            w.WriteNumber("window_seconds", snapshot.Window.TotalSeconds);
            w.WriteStartObject("totals");
            w.WriteNumber("requests", snapshot.Requests);
            w.WriteNumber("succeeded", snapshot.Succeeded);
            w.WriteNumber("failed", snapshot.Failed);
            w.WriteNumber("cancelled", snapshot.Cancelled);
            w.WriteNumber("abandoned", snapshot.Abandoned);
            w.WriteNumber("failovers", snapshot.Failovers);
            w.WriteNumber("input_tokens", snapshot.InputTokens);
            w.WriteNumber("output_tokens", snapshot.OutputTokens);
            w.WriteEndObject();
            w.WriteStartObject("cache");
            w.WriteNumber("hits", snapshot.CacheHits);
            w.WriteNumber("misses", snapshot.CacheMisses);
            w.WriteNumber("bypasses", snapshot.CacheBypasses);
            w.WriteNumber("store_errors", snapshot.CacheStoreErrors);
            w.WriteEndObject();
            w.WriteStartArray("providers");
            foreach (var p in snapshot.Providers)
            {
                WriteProvider(w, p);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteProvider(Utf8JsonWriter w, ProviderMetrics p)
    {
        w.WriteStartObject();
        w.WriteString("name", p.Name);
        w.WriteString("type", p.Type);
        w.WriteString("model", p.Model);
        w.WriteString("circuit_state", TelemetryTags.State(p.CircuitState));
        w.WriteNumber("requests", p.Requests);
        w.WriteNumber("successes", p.Successes);
        w.WriteNumber("failures", p.Failures);
        w.WriteNumber("cancelled", p.Cancelled);
        w.WriteNumber("abandoned", p.Abandoned);
        w.WriteStartObject("failures_by_category");
        foreach (var (category, count) in p.FailuresByCategory.OrderBy(c => c.Key))
        {
            w.WriteNumber(TelemetryTags.Category(category), count);
        }

        w.WriteEndObject();
        w.WriteNumber("skips", p.Skips);
        w.WriteNumber("retries", p.Retries);
        w.WriteNumber("breaker_trips", p.BreakerTrips);
        w.WriteNumber("input_tokens", p.InputTokens);
        w.WriteNumber("output_tokens", p.OutputTokens);
        w.WriteNumber("window_requests", p.WindowRequests);
        if (p.SuccessRate is { } rate)
        {
            w.WriteNumber("success_rate", Math.Round(rate, 4));
        }
        else
        {
            w.WriteNull("success_rate");
        }

        WritePercentiles(w, "latency_ms", p.Latency);
        WritePercentiles(w, "time_to_first_token_ms", p.TimeToFirstToken);
        if (p.LastError is { } error)
        {
            w.WriteStartObject("last_error");
            w.WriteString("category", TelemetryTags.Category(error.Category));
            if (error.StatusCode is { } status)
            {
                w.WriteNumber("status_code", status);
            }

            w.WriteString("at", error.At);
            w.WriteString("message", error.Message);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("last_error");
        }

        w.WriteEndObject();
    }

    private static void WritePercentiles(Utf8JsonWriter w, string name, LatencyPercentiles? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
            return;
        }

        w.WriteStartObject(name);
        w.WriteNumber("count", value.Count);
        w.WriteNumber("p50", Math.Round(value.P50.TotalMilliseconds, 3));
        w.WriteNumber("p95", Math.Round(value.P95.TotalMilliseconds, 3));
        w.WriteNumber("p99", Math.Round(value.P99.TotalMilliseconds, 3));
        w.WriteEndObject();
    }
}
