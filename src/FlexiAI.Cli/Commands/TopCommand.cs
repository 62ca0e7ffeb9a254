using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using FlexiAI.Dashboard;
using Microsoft.Extensions.AI;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace FlexiAI.Cli.Commands;

/// <summary>
/// <c>flexiai top</c>: the dashboard's numbers in the terminal. <c>--url URL</c> reads <c>{URL}/api/snapshot</c> from any app that
/// mapped the dashboard (<c>app.MapFlexiAIDashboard</c>); <c>--emulate</c> runs the failover scenario on the embedded emulator and
/// watches it. Live on a terminal, refreshed every <c>--interval</c> seconds (at least 1); <c>--once</c> prints one frame (with
/// <c>--emulate</c>: after one pass of the scenario), <c>--duration</c> stops after that many seconds; plain frames when output is
/// not a terminal.
/// </summary>
internal sealed class TopCommand
{
    private const string Sparks = "▁▂▃▄▅▆▇█";
    private readonly CliContext _context;
    private readonly string _source;
    private readonly Func<CancellationToken, Task<JsonNode>> _read;

    private TopCommand(CliContext context, string source, Func<CancellationToken, Task<JsonNode>> read)
    {
        _context = context;
        _source = source;
        _read = read;
    }

    public static async Task<int> RunAsync(
        CliContext context, string? url, bool emulate, string[] headers, bool once, double? durationSeconds, double intervalSeconds, CancellationToken cancellationToken)
    {
        if ((url is null) == !emulate)
        {
            await context.Error.WriteLineAsync("flexiai top needs one source: --url URL (an app that mapped the dashboard, e.g. http://localhost:5000/flexiai) or --emulate (the demo scenario on the embedded emulator).").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        if (intervalSeconds < 1 || double.IsNaN(intervalSeconds))
        {
            await context.Error.WriteLineAsync($"--interval must be at least 1 second (the dashboard's snapshot is read at most once a second); got {intervalSeconds.ToString(CultureInfo.InvariantCulture)}.").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        if (durationSeconds is <= 0)
        {
            await context.Error.WriteLineAsync("--duration must be a positive number of seconds.").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        var interval = TimeSpan.FromSeconds(intervalSeconds);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (durationSeconds is { } seconds)
        {
            stop.CancelAfter(TimeSpan.FromSeconds(seconds));
        }

        if (url is not null)
        {
            return await FromUrlAsync(context, url, headers, once, interval, stop.Token, cancellationToken).ConfigureAwait(false);
        }

        return await EmulateAsync(context, once, interval, stop.Token, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> FromUrlAsync(CliContext context, string url, string[] headers, bool once, TimeSpan interval, CancellationToken stop, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var root) || (root.Scheme != Uri.UriSchemeHttp && root.Scheme != Uri.UriSchemeHttps))
        {
            await context.Error.WriteLineAsync("--url needs the absolute http(s) URL where the dashboard is mapped, e.g. http://localhost:5000/flexiai.").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        var shown = root.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped).TrimEnd('/');
        var endpoint = new Uri(root.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/api/snapshot");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var header in headers)
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !http.DefaultRequestHeaders.TryAddWithoutValidation(header[..colon].Trim(), header[(colon + 1)..].Trim()))
            {
                // The value may be a key: name only what was wrong with the shape.
                await context.Error.WriteLineAsync("--header needs the form \"Name: value\" (e.g. \"Authorization: Bearer …\"); one header was not in that form.").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
        }

        var top = new TopCommand(context, shown, async token =>
        {
            using var response = await http.GetAsync(endpoint, token).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new TopException($"the dashboard at {shown} refused the request (HTTP {(int)response.StatusCode}): pass the credentials it needs with --header \"Name: value\".");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new TopException($"{shown}/api/snapshot answered HTTP {(int)response.StatusCode}: is the dashboard mapped there (app.MapFlexiAIDashboard(\"{root.AbsolutePath.TrimEnd('/')}\", …))?");
            }

            var text = await response.Content.ReadAsStringAsync(token).ConfigureAwait(false);
            try
            {
                var json = JsonNode.Parse(text);
                return json?["providers"] is JsonArray && json["totals"] is JsonObject ? json : throw new TopException($"{shown}/api/snapshot did not answer with a FlexiAI dashboard snapshot.");
            }
            catch (System.Text.Json.JsonException)
            {
                throw new TopException($"{shown}/api/snapshot did not answer with JSON: is the dashboard mapped there?");
            }
        });

        try
        {
            return await top.ShowAsync(once, interval, stop, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TopException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var message = ex is TopException ? ex.Message : $"could not read {shown}/api/snapshot: {(ex is TaskCanceledException ? "no answer within 10 s" : ex.Message)}";
            await context.Error.WriteLineAsync("flexiai top: " + message).ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }

    private static async Task<int> EmulateAsync(CliContext context, bool once, TimeSpan interval, CancellationToken stop, CancellationToken cancellationToken)
    {
        var emulator = await EmulatedProviders.StartAsync(cancellationToken).ConfigureAwait(false);
        await using var emulatorScope = emulator.ConfigureAwait(false);
        var options = emulator.CreateOptions();
        var recovery = TimeSpan.FromSeconds(once ? 1 : 5);
        options.CircuitBreaker.FailureThreshold = 2;
        options.CircuitBreaker.RecoveryTimeout = recovery;
        options.Retry.MaxAttempts = 1;
        using var client = ConfigurationSource.CreateClient(context, options);
        using var monitor = new FlexiAIDashboardMonitor(client);
        var top = new TopCommand(context, "embedded emulator", async token => JsonNode.Parse(await monitor.GetSnapshotJsonAsync(cancellationToken: token).ConfigureAwait(false))!);

        if (once)
        {
            await ScenarioAsync(emulator, client, recovery, TimeSpan.Zero, stop).ConfigureAwait(false);
            return await top.ShowAsync(once: true, interval, stop, cancellationToken).ConfigureAwait(false);
        }

        using var scenarioStop = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var scenario = Task.Run(
            async () =>
            {
                while (!scenarioStop.IsCancellationRequested)
                {
                    await ScenarioAsync(emulator, client, recovery, TimeSpan.FromMilliseconds(400), scenarioStop.Token).ConfigureAwait(false);
                }
            },
            CancellationToken.None);
        try
        {
            return await top.ShowAsync(once: false, interval, stop, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await scenarioStop.CancelAsync().ConfigureAwait(false);
            try
            {
                await scenario.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped with the view.
            }
        }
    }

    /// <summary>The demo's story: healthy, the primary down (failover, its breaker opens, then it is skipped), recovery (the probe closes it).</summary>
    private static async Task ScenarioAsync(EmulatedProviders emulator, FlexiAIClient client, TimeSpan recovery, TimeSpan pace, CancellationToken cancellationToken)
    {
        var primary = client.PrimaryProvider!;
        for (var i = 0; i < 4; i++)
        {
            await AskAsync(client, pace, cancellationToken).ConfigureAwait(false);
        }

        emulator.TakeDown(primary);
        for (var i = 0; i < 5; i++)
        {
            await AskAsync(client, pace, cancellationToken).ConfigureAwait(false);
        }

        emulator.BringUp(primary);
        await Task.Delay(recovery + TimeSpan.FromMilliseconds(200), TimeProvider.System, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < 4; i++)
        {
            await AskAsync(client, pace, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task AskAsync(FlexiAIClient client, TimeSpan pace, CancellationToken cancellationToken)
    {
        try
        {
            await client.GetResponseAsync([new ChatMessage(ChatRole.User, "What is a circuit breaker?")], null, cancellationToken).ConfigureAwait(false);
        }
        catch (FlexiAIException)
        {
            // Counted in the metrics; the view shows it.
        }

        if (pace > TimeSpan.Zero)
        {
            await Task.Delay(pace, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<int> ShowAsync(bool once, TimeSpan interval, CancellationToken stop, CancellationToken cancellationToken)
    {
        var console = CliConsole.Create(_context);
        if (once)
        {
            console.Write(Render(await _read(cancellationToken).ConfigureAwait(false)));
            return ExitCodes.Success;
        }

        if (_context.IsTerminal)
        {
            var first = Render(await _read(cancellationToken).ConfigureAwait(false));
            await console.Live(first).AutoClear(false).StartAsync(async display =>
            {
                while (await WaitAsync(interval, stop).ConfigureAwait(false))
                {
                    display.UpdateTarget(Render(await _read(cancellationToken).ConfigureAwait(false)));
                }
            }).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        // Not a terminal: one plain frame per interval (like `top -b`).
        do
        {
            console.Write(Render(await _read(cancellationToken).ConfigureAwait(false)));
            console.WriteLine();
        }
        while (await WaitAsync(interval, stop).ConfigureAwait(false));
        return ExitCodes.Success;
    }

    private static async Task<bool> WaitAsync(TimeSpan interval, CancellationToken stop)
    {
        try
        {
            await Task.Delay(interval, TimeProvider.System, stop).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>" · cache hit rate 42.0 % of 120" when the app has a response cache with lookups, else nothing.</summary>
    private static string CacheLine(JsonNode? cache) =>
        cache?["hit_rate"] is JsonValue rate && rate.TryGetValue<double>(out var value)
            ? string.Create(CultureInfo.InvariantCulture, $" · cache hit rate {value * 100:0.0} % of {(cache["hits"]?.GetValue<long>() ?? 0) + (cache["misses"]?.GetValue<long>() ?? 0)}")
            : string.Empty;

    /// <summary>" · budgets: global daily 12 % (0.12 of 1 USD)" for each budget with a hard limit, else nothing.</summary>
    private static string BudgetLine(JsonNode? budgets)
    {
        if (budgets is not JsonArray list || list.Count == 0)
        {
            return string.Empty;
        }

        var parts = list.Select(b => b!["used"] is JsonValue used && used.TryGetValue<double>(out var share)
            ? string.Create(CultureInfo.InvariantCulture, $"{Markup.Escape(b["description"]!.GetValue<string>())} {share * 100:0} %")
            : $"{Markup.Escape(b["description"]!.GetValue<string>())} n/a");
        return "\nbudgets: " + string.Join(" · ", parts);
    }

    private Rows Render(JsonNode snap)
    {
        var totals = snap["totals"]!;
        var cost = snap["cost"];
        var header = new Markup(
            $"[bold]FlexiAI top[/] — {Markup.Escape(_source)} — {Time(snap["captured_at"])} UTC\n" +
            $"requests {Long(totals["requests"])} · succeeded {Long(totals["succeeded"])} · failed {Long(totals["failed"])} · failovers {Long(totals["failovers"])} · " +
            $"tokens {Long(totals["input_tokens"])}/{Long(totals["output_tokens"])} · cost today {Usd(cost?["today"])} · since start {Usd(cost?["since_start"])}" +
            CacheLine(snap["cache"]) + BudgetLine(snap["budgets"]));

        var table = new Table().AddColumns("provider", "breaker", "since / next probe", "attempts", "ok", "failed", "skipped", "failures by category", "p50/p95/p99", "ttft p50", "cost today", "last 5 min");
        foreach (var p in snap["providers"]!.AsArray())
        {
            var breaker = p!["breaker"]!;
            var state = breaker["state"]!.GetValue<string>();
            var latency = p["latency_ms"];
            var categories = p["failures_by_category"]!.AsObject().Select(c => $"{c.Key} {Long(c.Value)}").ToList();
            table.AddRow(
                Markup.Escape(p["name"]!.GetValue<string>()) + (p["primary"]?.GetValue<bool>() == true ? " [dim](primary)[/]" : string.Empty),
                state switch { "closed" => "[green]closed[/]", "open" => "[red]open[/]", _ => "[yellow]half-open[/]" },
                state == "closed" ? "-" : $"{Time(breaker["opened_at"])} / {Time(breaker["next_probe_at"])}",
                Long(p["requests"]),
                Long(p["successes"]),
                Long(p["failures"]),
                Long(p["skips"]),
                categories.Count == 0 ? "-" : Markup.Escape(string.Join(", ", categories)),
                latency is null ? "-" : $"{Ms(latency["p50"])}/{Ms(latency["p95"])}/{Ms(latency["p99"])}",
                p["time_to_first_token_ms"] is { } ttft ? Ms(ttft["p50"]) : "-",
                Usd(p["cost_today"]),
                Spark(p["history"]!.AsArray()));
        }

        var timeline = snap["timeline"]!.AsArray();
        IRenderable changes = timeline.Count == 0
            ? new Markup("[dim]no breaker transitions yet[/]")
            : new Rows(timeline.Take(6).Select(c => new Markup(Markup.Escape(
                $"{Time(c!["at"])}  {c["provider"]!.GetValue<string>()}: {State(c["from"])} → {State(c["to"])} ({c["reason"]!.GetValue<string>()}" +
                (c["category"] is { } category ? $", {category.GetValue<string>()}" : string.Empty) + ")"))));
        return new Rows(header, table, new Panel(changes).Header("breaker timeline (newest first)").Expand());
    }

    private static string Spark(JsonArray history)
    {
        var counts = history.Select(h => h!["requests"]!.GetValue<long>()).ToList();
        var max = Math.Max(1, counts.DefaultIfEmpty(0).Max());
        return string.Concat(counts.Select(c => c == 0 ? ' ' : Sparks[(int)Math.Min(Sparks.Length - 1, c * (Sparks.Length - 1) / max)]));
    }

    private static string State(JsonNode? node) => node?.GetValue<string>() is "half_open" ? "half-open" : node?.GetValue<string>() ?? "?";

    private static string Time(JsonNode? node) =>
        node is null ? "-" : node.GetValue<DateTimeOffset>().ToUniversalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Long(JsonNode? node) => (node?.GetValue<long>() ?? 0).ToString(CultureInfo.InvariantCulture);

    private static string Ms(JsonNode? node) => node is null ? "-" : $"{node.GetValue<double>().ToString("0", CultureInfo.InvariantCulture)} ms";

    private static string Usd(JsonNode? node) => "$" + (node?.GetValue<decimal>() ?? 0m).ToString("0.000000", CultureInfo.InvariantCulture);

    /// <summary>A failure to read the dashboard, with a message for the user.</summary>
    private sealed class TopException(string message) : Exception(message);
}
