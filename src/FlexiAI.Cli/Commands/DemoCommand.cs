using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using Spectre.Console;

namespace FlexiAI.Cli.Commands;

/// <summary>
/// <c>flexiai demo</c>: a scripted failover scenario on the embedded emulator — all healthy, the primary goes down, failover
/// and its breaker opens, the primary recovers, the half-open probe closes the breaker, and a stream survives an outage
/// before its first token. A live view on a terminal; plain lines otherwise or with <c>--no-live</c>.
/// </summary>
internal sealed class DemoCommand
{
    private readonly CliContext _context;
    private readonly bool _live;
    private readonly TimeSpan _recovery;
    private readonly List<string> _events = [];
    private readonly object _gate = new();
    private FlexiAIClient? _client;
    private LiveDisplayContext? _display;

    private readonly string? _metricsFile;

    private DemoCommand(CliContext context, bool live, TimeSpan recovery, string? metricsFile)
    {
        _context = context;
        _live = live;
        _recovery = recovery;
        _metricsFile = metricsFile;
    }

    public static async Task<int> RunAsync(CliContext context, bool noLive, TimeSpan? recovery, string? metricsFile, CancellationToken cancellationToken)
    {
        var demo = new DemoCommand(context, context.IsTerminal && !noLive, recovery ?? TimeSpan.FromSeconds(3), metricsFile);
        return await demo.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var emulator = await EmulatedProviders.StartAsync(cancellationToken).ConfigureAwait(false);
        await using var emulatorScope = emulator.ConfigureAwait(false);
        var options = emulator.CreateOptions();
        options.CircuitBreaker.FailureThreshold = 2;
        options.CircuitBreaker.RecoveryTimeout = _recovery;
        options.Retry.MaxAttempts = 1;
        options.AttemptTimeout = TimeSpan.FromSeconds(10);
        // The limit the stalled primary hits in step 4; the other providers keep the attempt timeout.
        options.Providers.First(p => p.Priority == 1).FirstTokenTimeout = TimeSpan.FromSeconds(1);
        using var client = ConfigurationSource.CreateClient(_context, options);
        _client = client;

        client.CircuitStateChanged += (_, change) => Event($"circuit {change.Provider}: {change.From} → {change.To} ({change.Reason})");
        var watch = Stopwatch.StartNew();
        var console = CliConsole.Create(_context);
        if (_live)
        {
            await console.Live(Render()).AutoClear(false).StartAsync(async display =>
            {
                _display = display;
                await ScenarioAsync(emulator, client, cancellationToken).ConfigureAwait(false);
                display.UpdateTarget(Render());
            }).ConfigureAwait(false);
        }
        else
        {
            await ScenarioAsync(emulator, client, cancellationToken).ConfigureAwait(false);
        }

        // The summary is the library's own metrics snapshot, not a tally kept here.
        var snapshot = client.GetMetrics();
        WriteSummary(snapshot, client.GetCostReport(), watch.Elapsed);
        if (_metricsFile is not null)
        {
            await File.WriteAllTextAsync(_metricsFile, snapshot.ToJson(), cancellationToken).ConfigureAwait(false);
            _context.Out.WriteLine($"Metrics snapshot written to {_metricsFile}.");
        }

        return snapshot.Failed == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }

    private async Task ScenarioAsync(EmulatedProviders emulator, FlexiAIClient client, CancellationToken cancellationToken)
    {
        var primary = client.PrimaryProvider!;
        Step($"1. All providers healthy: requests go to the primary, {primary}.");
        for (var i = 0; i < 3; i++)
        {
            await AskAsync(client, $"Question {i + 1}: what is a circuit breaker?", cancellationToken).ConfigureAwait(false);
        }

        Step($"2. {primary} goes down (HTTP 503 on every request): FlexiAI fails over; after 2 failures its breaker opens.");
        emulator.TakeDown(primary);
        for (var i = 0; i < 4; i++)
        {
            await AskAsync(client, $"Question {i + 4}: why fail over?", cancellationToken).ConfigureAwait(false);
        }

        var callsWhileOpen = emulator.RequestCount(primary);
        await AskAsync(client, "Question 8: is the primary skipped?", cancellationToken).ConfigureAwait(false);
        Event(emulator.RequestCount(primary) == callsWhileOpen
            ? $"{primary} is skipped while its breaker is open: it received no request."
            : $"unexpected: {primary} received a request while its breaker was open.");

        Step($"3. {primary} recovers. After the recovery timeout ({_recovery.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s) one half-open probe is let through and closes the breaker.");
        emulator.BringUp(primary);
        await Task.Delay(_recovery + TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < 3; i++)
        {
            await AskAsync(client, $"Question {i + 9}: are we back?", cancellationToken).ConfigureAwait(false);
        }

        Step($"4. A streamed answer while {primary} stalls before its first token (time-to-first-token limit 1 s): the stream fails over invisibly.");
        emulator.StallBeforeFirstToken(primary);
        await StreamAsync(client, "Stream a short answer about failover.", cancellationToken).ConfigureAwait(false);
        emulator.BringUp(primary);
    }

    private async Task AskAsync(FlexiAIClient client, string prompt, CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, prompt)], null, cancellationToken).ConfigureAwait(false);
            Record(response.GetRoute(), response.Text);
        }
        catch (FlexiAIException ex)
        {
            if (ex.Route is { } route)
            {
                Record(route, null);
            }

            Event($"request failed: {ex.Message.Split('\n')[0]}");
        }
    }

    private async Task StreamAsync(FlexiAIClient client, string prompt, CancellationToken cancellationToken)
    {
        var text = new System.Text.StringBuilder();
        RouteReport? route = null;
        try
        {
            await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, prompt)], null, cancellationToken).ConfigureAwait(false))
            {
                text.Append(update.Text);
                route = update.TryGetRoute() ?? route;
            }

            if (route is not null)
            {
                Record(route, text.ToString());
            }
        }
        catch (FlexiAIException ex)
        {
            Event($"stream failed: {ex.Message.Split('\n')[0]}");
        }
    }

    private void Record(RouteReport route, string? text)
    {
        var answer = text is null ? string.Empty : $" \"{Shorten(text)}\"";
        Event($"route: {Describe(route)}{answer}");
    }

    private static string Describe(RouteReport route) =>
        string.Join(" → ", route.Attempts.Select(a => a.Outcome switch
        {
            AttemptOutcome.Succeeded => $"{a.Provider} ok {a.Latency.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms",
            AttemptOutcome.SkippedCircuitOpen => $"{a.Provider} skipped (circuit open)",
            _ => $"{a.Provider} {a.Outcome.ToString().ToLowerInvariant()}" + (a.StatusCode is { } s ? $" {s.ToString(CultureInfo.InvariantCulture)}" : string.Empty)
                 + (a.Category is { } c ? $" {c}" : string.Empty),
        }));

    private static string Shorten(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= 48 ? line : string.Concat(line.AsSpan(0, 45), "...");
    }

    private void Step(string text)
    {
        Event(string.Empty);
        Event(text);
    }

    private void Event(string text)
    {
        lock (_gate)
        {
            _events.Add(text);
        }

        if (_live)
        {
            _display?.UpdateTarget(Render());
        }
        else
        {
            _context.Out.WriteLine(text.Length == 0 ? string.Empty : (text[0] is >= '1' and <= '9' ? text : "   " + text));
        }
    }

    private Rows Render()
    {
        var table = new Table().Title("FlexiAI failover demo (embedded emulator)").AddColumns("provider", "circuit", "calls", "failures", "skips", "p50 latency");
        if (_client is not null)
        {
            foreach (var p in _client.GetMetrics().Providers)
            {
                var state = p.CircuitState switch
                {
                    CircuitState.Closed => "[green]closed[/]",
                    CircuitState.Open => "[red]open[/]",
                    _ => "[yellow]half-open[/]",
                };
                table.AddRow(
                    Markup.Escape(p.Name),
                    state,
                    p.Requests.ToString(CultureInfo.InvariantCulture),
                    p.Failures.ToString(CultureInfo.InvariantCulture),
                    p.Skips.ToString(CultureInfo.InvariantCulture),
                    p.Latency is { } l ? $"{l.P50.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms" : "-");
            }
        }

        List<string> recent;
        lock (_gate)
        {
            recent = _events.TakeLast(14).ToList();
        }

        var log = new Rows(recent.Select(e => new Markup(Markup.Escape(e))));
        return new Rows(table, new Panel(log).Header("events").Expand());
    }

    private void WriteSummary(MetricsSnapshot snapshot, CostReport cost, TimeSpan elapsed)
    {
        var o = _context.Out;
        var json = System.Text.Json.Nodes.JsonNode.Parse(snapshot.ToJson())!;
        o.WriteLine();
        o.WriteLine($"Summary: {MetricsView.Summary(json)}, in {elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s.");
        foreach (var line in MetricsView.Lines(json))
        {
            o.WriteLine(line);
        }

        o.WriteLine(CostCommand.RunCostLine(cost));
    }
}
