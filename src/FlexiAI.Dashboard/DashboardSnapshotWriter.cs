using System.Text.Json;

namespace FlexiAI.Dashboard;

/// <summary>
/// Writes the dashboard snapshot JSON (docs/dashboard.md describes the shape). Only names, models, states, counts, durations
/// and amounts: a provider's last error is reported by category, status code and time — never its message, which may quote a
/// prompt — and no key, endpoint or connection string is read at all.
/// </summary>
internal static class DashboardSnapshotWriter
{
    public const int Version = 1;

    public static void Write(Utf8JsonWriter w, Input input)
    {
        var metrics = input.Metrics;
        w.WriteStartObject();
        w.WriteNumber("version", Version);
        w.WriteString("captured_at", metrics.CapturedAt);
        w.WriteString("since", metrics.Since);
        w.WriteNumber("window_seconds", metrics.Window.TotalSeconds);
        w.WriteNumber("history_bucket_seconds", input.Bucket.TotalSeconds);
        w.WriteBoolean("admin_actions", input.AdminActions);

        w.WriteStartObject("totals");
        w.WriteNumber("requests", metrics.Requests);
        w.WriteNumber("succeeded", metrics.Succeeded);
        w.WriteNumber("failed", metrics.Failed);
        w.WriteNumber("cancelled", metrics.Cancelled);
        w.WriteNumber("failovers", metrics.Failovers);
        w.WriteNumber("input_tokens", metrics.InputTokens);
        w.WriteNumber("output_tokens", metrics.OutputTokens);
        w.WriteEndObject();

        // The response cache (when the app put UseFlexiAICache in front of the client): hit rate over the lookups that could hit.
        w.WriteStartObject("cache");
        w.WriteNumber("hits", metrics.CacheHits);
        w.WriteNumber("misses", metrics.CacheMisses);
        w.WriteNumber("bypasses", metrics.CacheBypasses);
        w.WriteNumber("store_errors", metrics.CacheStoreErrors);
        if (metrics.CacheHits + metrics.CacheMisses is > 0 and var lookups)
        {
            w.WriteNumber("hit_rate", (double)metrics.CacheHits / lookups);
        }
        else
        {
            w.WriteNull("hit_rate");
        }

        w.WriteEndObject();

        w.WriteStartObject("cost");
        w.WriteString("currency", "USD");
        w.WriteNumber("today", input.Today.Total);
        w.WriteNumber("since_start", input.SinceStart.Total);
        w.WriteNumber("priced_requests_today", input.Today.Requests);
        w.WriteNumber("unpriced_requests_today", input.Today.UnpricedRequests);
        w.WriteEndObject();

        w.WriteStartArray("providers");
        foreach (var p in metrics.Providers)
        {
            var status = input.Status.FirstOrDefault(s => string.Equals(s.Name, p.Name, StringComparison.Ordinal));
            WriteProvider(w, p, status, input);
        }

        w.WriteEndArray();

        // Budget use: each configured budget, what its store counted in the current period (null: the store did not answer).
        w.WriteStartArray("budgets");
        foreach (var b in input.Budgets)
        {
            w.WriteStartObject();
            w.WriteString("description", b.Description);
            w.WriteString("scope", b.Scope.ToString().ToLowerInvariant());
            w.WriteString("period", b.Period.ToString().ToLowerInvariant());
            WriteAmount(w, "limit", b.Limit);
            WriteAmount(w, "soft_limit", b.SoftLimit);
            WriteAmount(w, "spent", b.Spent);
            if (b.Used is { } used)
            {
                w.WriteNumber("used", used);
            }
            else
            {
                w.WriteNull("used");
            }

            if (b.ResetsAt is { } resets)
            {
                w.WriteString("resets_at", resets);
            }
            else
            {
                w.WriteNull("resets_at");
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartArray("timeline");
        foreach (var change in input.Timeline)
        {
            w.WriteStartObject();
            w.WriteString("at", change.At);
            w.WriteString("provider", change.Provider);
            w.WriteString("from", State(change.From));
            w.WriteString("to", State(change.To));
            w.WriteString("reason", change.Reason.ToString());
            WriteNullable(w, "category", change.Category?.ToString());
            w.WriteNumber("consecutive_failures", change.ConsecutiveFailures);
            WriteNullable(w, "next_probe_at", change.NextProbeAt);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Gets a breaker state's name: <c>closed</c>, <c>open</c> or <c>half_open</c> (as in the metrics JSON).</summary>
    public static string State(CircuitState state) => state switch
    {
        CircuitState.Closed => "closed",
        CircuitState.Open => "open",
        _ => "half_open",
    };

    private static void WriteProvider(Utf8JsonWriter w, ProviderMetrics p, ProviderStatus? status, Input input)
    {
        w.WriteStartObject();
        w.WriteString("name", p.Name);
        w.WriteString("type", p.Type);
        w.WriteString("model", p.Model);
        w.WriteNumber("position", status?.Position ?? 0);
        w.WriteBoolean("primary", status?.Position == 1);

        w.WriteStartObject("breaker");
        w.WriteString("state", State(status?.State ?? p.CircuitState));
        w.WriteNumber("consecutive_failures", status?.ConsecutiveFailures ?? 0);
        WriteNullable(w, "opened_at", status?.OpenedAt);
        WriteNullable(w, "next_probe_at", status?.NextProbeAt);
        w.WriteNumber("trips", p.BreakerTrips);
        w.WriteEndObject();

        w.WriteNumber("requests", p.Requests);
        w.WriteNumber("successes", p.Successes);
        w.WriteNumber("failures", p.Failures);
        w.WriteNumber("cancelled", p.Cancelled);
        w.WriteNumber("skips", p.Skips);
        w.WriteNumber("retries", p.Retries);
        WriteCategories(w, "failures_by_category", p.FailuresByCategory);
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
        w.WriteNumber("input_tokens", p.InputTokens);
        w.WriteNumber("output_tokens", p.OutputTokens);
        w.WriteNumber("cost_today", input.Today.ByProvider.GetValueOrDefault(p.Name));
        if (p.LastError is { } error)
        {
            w.WriteStartObject("last_error");
            w.WriteString("category", error.Category.ToString());
            if (error.StatusCode is { } code)
            {
                w.WriteNumber("status_code", code);
            }
            else
            {
                w.WriteNull("status_code");
            }

            w.WriteString("at", error.At);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("last_error");
        }

        w.WriteStartArray("history");
        foreach (var point in input.History)
        {
            var delta = point.Providers.GetValueOrDefault(p.Name);
            w.WriteStartObject();
            w.WriteString("at", point.At);
            w.WriteNumber("requests", delta?.Requests ?? 0);
            w.WriteNumber("failures", delta?.Failures ?? 0);
            WriteCategories(w, "failures_by_category", delta?.ByCategory ?? new Dictionary<ErrorCategory, long>());
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteCategories(Utf8JsonWriter w, string name, IReadOnlyDictionary<ErrorCategory, long> counts)
    {
        w.WriteStartObject(name);
        foreach (var (category, count) in counts.OrderBy(c => c.Key))
        {
            w.WriteNumber(category.ToString(), count);
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

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            w.WriteString(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void WriteAmount(Utf8JsonWriter w, string name, decimal? amount)
    {
        if (amount is { } value)
        {
            w.WriteNumber(name, value);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    /// <summary>What one snapshot is written from.</summary>
    internal sealed record Input(
        MetricsSnapshot Metrics,
        IReadOnlyList<ProviderStatus> Status,
        CostReport Today,
        CostReport SinceStart,
        IReadOnlyList<DashboardHistory.Point> History,
        IReadOnlyList<CircuitStateChange> Timeline,
        bool AdminActions,
        TimeSpan Bucket,
        IReadOnlyList<BudgetStatus> Budgets);
}
