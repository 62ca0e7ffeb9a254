using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.AI;

namespace FlexiAI.Dashboard.Tests;

public sealed class SnapshotTests
{
    private static async Task<JsonElement> SnapshotAsync(TestApp app, string? role = null)
    {
        using var response = await app.Http.SendAsync(app.Request(HttpMethod.Get, "/flexiai/api/snapshot", role), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
    }

    [Fact]
    public async Task The_snapshot_reports_the_clients_metrics_breakers_cost_and_timeline()
    {
        await using var app = await TestApp.StartAsync((web, client) => web.MapFlexiAIDashboard("/flexiai", o => { o.Client = client; o.AllowAnonymous(); }));
        for (var i = 0; i < 3; i++)
        {
            await app.AskAsync();
        }

        await app.OutageOnPrimaryAsync();
        await app.AskAsync(); // skipped by the open breaker

        var json = await SnapshotAsync(app);
        var metrics = app.Client.GetMetrics();
        var status = app.Client.GetProviderStatus();

        Assert.Equal(1, json.GetProperty("version").GetInt32());
        Assert.False(json.GetProperty("admin_actions").GetBoolean());
        var totals = json.GetProperty("totals");
        Assert.Equal(metrics.Requests, totals.GetProperty("requests").GetInt64());
        Assert.Equal(6, totals.GetProperty("requests").GetInt64());
        Assert.Equal(metrics.Succeeded, totals.GetProperty("succeeded").GetInt64());
        Assert.Equal(metrics.Failovers, totals.GetProperty("failovers").GetInt64());
        Assert.True(metrics.Failovers >= 2);
        Assert.Equal(metrics.InputTokens, totals.GetProperty("input_tokens").GetInt64());
        Assert.Equal(metrics.OutputTokens, totals.GetProperty("output_tokens").GetInt64());
        Assert.Equal(app.Client.GetCostReport(CostPeriod.Today).Total, json.GetProperty("cost").GetProperty("today").GetDecimal());
        Assert.True(json.GetProperty("cost").GetProperty("today").GetDecimal() > 0);

        var providers = json.GetProperty("providers").EnumerateArray().ToList();
        Assert.Equal(["openai", "anthropic"], providers.Select(p => p.GetProperty("name").GetString()));
        foreach (var p in providers)
        {
            var m = metrics.Providers.Single(x => x.Name == p.GetProperty("name").GetString());
            Assert.Equal(m.Requests, p.GetProperty("requests").GetInt64());
            Assert.Equal(m.Successes, p.GetProperty("successes").GetInt64());
            Assert.Equal(m.Failures, p.GetProperty("failures").GetInt64());
            Assert.Equal(m.Skips, p.GetProperty("skips").GetInt64());
            Assert.Equal(m.BreakerTrips, p.GetProperty("breaker").GetProperty("trips").GetInt64());
            Assert.Equal(m.Latency?.Count, p.GetProperty("latency_ms").ValueKind == JsonValueKind.Null ? null : p.GetProperty("latency_ms").GetProperty("count").GetInt64());
            Assert.Equal(
                m.FailuresByCategory.OrderBy(c => c.Key).Select(c => (c.Key.ToString(), c.Value)),
                p.GetProperty("failures_by_category").EnumerateObject().Select(c => (c.Name, c.Value.GetInt64())));
            Assert.Equal(app.Client.GetCostReport(CostPeriod.Today).ByProvider.GetValueOrDefault(m.Name), p.GetProperty("cost_today").GetDecimal());

            // The history's buckets add up to the totals (counting started within the window).
            var history = p.GetProperty("history").EnumerateArray().ToList();
            Assert.Equal(FlexiAIDashboardMonitor.HistoryBuckets, history.Count);
            Assert.Equal(m.Requests, history.Sum(h => h.GetProperty("requests").GetInt64()));
            Assert.Equal(m.Failures, history.Sum(h => h.GetProperty("failures").GetInt64()));
        }

        var openai = providers[0];
        Assert.True(openai.GetProperty("primary").GetBoolean());
        Assert.Equal(2, openai.GetProperty("failures").GetInt64());
        Assert.Equal(1, openai.GetProperty("skips").GetInt64());
        var breaker = openai.GetProperty("breaker");
        Assert.Equal("open", breaker.GetProperty("state").GetString());
        Assert.Equal(status[0].OpenedAt, breaker.GetProperty("opened_at").GetDateTimeOffset());
        Assert.Equal(status[0].NextProbeAt, breaker.GetProperty("next_probe_at").GetDateTimeOffset());
        Assert.Equal("closed", providers[1].GetProperty("breaker").GetProperty("state").GetString());
        Assert.Equal(503, openai.GetProperty("last_error").GetProperty("status_code").GetInt32());
        Assert.False(openai.GetProperty("last_error").TryGetProperty("message", out _));

        var timeline = json.GetProperty("timeline").EnumerateArray().ToList();
        var opened = Assert.Single(timeline);
        Assert.Equal("openai", opened.GetProperty("provider").GetString());
        Assert.Equal("closed", opened.GetProperty("from").GetString());
        Assert.Equal("open", opened.GetProperty("to").GetString());
        Assert.Equal(nameof(CircuitTransitionReason.FailureThresholdReached), opened.GetProperty("reason").GetString());
        Assert.Equal(status[0].NextProbeAt, opened.GetProperty("next_probe_at").GetDateTimeOffset());

        await app.RecoverPrimaryAsync();
        json = await SnapshotAsync(app);
        Assert.Equal("closed", json.GetProperty("providers")[0].GetProperty("breaker").GetProperty("state").GetString());
        Assert.Equal(
            ["half_open>closed", "open>half_open", "closed>open"],
            json.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("from").GetString() + ">" + t.GetProperty("to").GetString()));
    }

    [Fact]
    public async Task The_snapshot_reports_the_response_caches_hit_rate_and_none_before_any_lookup()
    {
        await using var app = await TestApp.StartAsync((web, client) => web.MapFlexiAIDashboard("/flexiai", o => { o.Client = client; o.AllowAnonymous(); }));
        var before = (await SnapshotAsync(app)).GetProperty("cache");
        Assert.Equal(JsonValueKind.Null, before.GetProperty("hit_rate").ValueKind);

        using var cached = new ChatClientBuilder(app.Client).UseFlexiAICache(o => o.Enabled = true).Build();
        for (var i = 0; i < 4; i++)
        {
            await cached.GetResponseAsync([new ChatMessage(ChatRole.User, "What is a circuit breaker?")], null, TestContext.Current.CancellationToken);
        }

        var cache = (await SnapshotAsync(app)).GetProperty("cache");
        var metrics = app.Client.GetMetrics();
        Assert.Equal(1, metrics.CacheMisses);
        Assert.Equal(3, metrics.CacheHits);
        Assert.Equal(metrics.CacheHits, cache.GetProperty("hits").GetInt64());
        Assert.Equal(metrics.CacheMisses, cache.GetProperty("misses").GetInt64());
        Assert.Equal(0.75, cache.GetProperty("hit_rate").GetDouble(), 3);
    }

    [Fact]
    public async Task The_snapshot_reports_budget_use_as_the_client_counts_it()
    {
        await using var app = await TestApp.StartAsync(
            (web, client) => web.MapFlexiAIDashboard("/flexiai", o => { o.Client = client; o.AllowAnonymous(); }),
            options => options.Cost.Budgets.Add(new BudgetOptions { Scope = BudgetScope.Global, Period = BudgetPeriod.Day, Limit = 5m }));
        await app.AskAsync();

        var budgets = (await SnapshotAsync(app)).GetProperty("budgets").EnumerateArray().ToList();
        var status = Assert.Single(await app.Client.GetBudgetStatusAsync(TestContext.Current.CancellationToken));
        var budget = Assert.Single(budgets);
        Assert.Equal("global daily", budget.GetProperty("description").GetString());
        Assert.Equal(5m, budget.GetProperty("limit").GetDecimal());
        Assert.True(status.Spent > 0);
        Assert.Equal(status.Spent, budget.GetProperty("spent").GetDecimal());
        Assert.Equal(status.Used!.Value, budget.GetProperty("used").GetDouble(), 9);
        Assert.Equal(status.ResetsAt, budget.GetProperty("resets_at").GetDateTimeOffset());
    }

    [Fact]
    public async Task The_timeline_keeps_only_the_newest_transitions()
    {
        await using var app = await TestApp.StartAsync((web, client) => web.MapFlexiAIDashboard("/flexiai", o => { o.Client = client; o.AllowAnonymous(); o.TimelineCapacity = 2; }));
        await app.OutageOnPrimaryAsync();
        await app.RecoverPrimaryAsync();

        var json = await SnapshotAsync(app);
        Assert.Equal(["half_open", "open"], json.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("from").GetString()));
    }

    [Fact]
    public async Task No_key_prompt_answer_or_provider_message_appears_in_the_page_or_its_json()
    {
        await using var app = await TestApp.StartAsync((web, client) => web.MapFlexiAIDashboard("/flexiai", o => { o.Client = client; o.RequireAuthorization("viewer"); o.EnableAdminActions("admin"); }));
        var answer = (await app.Client.GetResponseAsync([new ChatMessage(ChatRole.User, TestApp.CanaryPrompt)], null, TestContext.Current.CancellationToken)).Text;
        Assert.False(string.IsNullOrWhiteSpace(answer));
        await app.OutageOnPrimaryAsync();

        foreach (var path in new[] { "/flexiai/", "/flexiai/dashboard.js", "/flexiai/dashboard.css", "/flexiai/api/snapshot" })
        {
            using var response = await app.Http.SendAsync(app.Request(HttpMethod.Get, path, "admin"), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.DoesNotContain(TestApp.CanaryKey, body, StringComparison.Ordinal);
            Assert.DoesNotContain(TestApp.CanaryKey[..12], body, StringComparison.Ordinal);
            Assert.DoesNotContain(TestApp.CanaryPrompt, body, StringComparison.Ordinal);
            Assert.DoesNotContain(answer.Trim(), body, StringComparison.Ordinal);
            Assert.DoesNotContain("overloaded", body, StringComparison.Ordinal);
            Assert.DoesNotContain(app.Emulator.Root.Authority, body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_page_and_its_assets_are_served_from_the_assembly_with_a_strict_content_security_policy()
    {
        await using var app = await TestApp.StartAsync((web, client) => web.MapFlexiAIDashboard("/ops/flexiai/", o => { o.Client = client; o.AllowAnonymous(); }));
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.Root };
        using var redirect = await noRedirects.GetAsync(new Uri("/ops/flexiai", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/ops/flexiai/", redirect.Headers.Location?.ToString());

        using var page = await app.Http.GetAsync(new Uri("/ops/flexiai/", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var csp = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("<script src=\"dashboard.js\"></script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);

        foreach (var (path, type) in new[] { ("dashboard.js", "text/javascript"), ("dashboard.css", "text/css") })
        {
            using var asset = await app.Http.GetAsync(new Uri("/ops/flexiai/" + path, UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
            Assert.Equal(type, asset.Content.Headers.ContentType?.MediaType);
            var text = await asset.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.DoesNotContain("https://", text, StringComparison.Ordinal);
            Assert.DoesNotContain("@import", text, StringComparison.Ordinal);
        }
    }
}
