namespace FlexiAI.Cli.Tests;

public sealed class DemoAndEmulatorCommandTests
{
    [Fact]
    public async Task Demo_without_a_terminal_prints_the_failover_breaker_and_recovery()
    {
        var metrics = Path.Combine(Path.GetTempPath(), $"flexiai-demo-metrics-{Guid.NewGuid():N}.json");
        var run = await CliRun.RunAsync(["demo", "--no-live", "--recovery-seconds", "1", "--metrics", metrics]);

        Assert.Equal(0, run.ExitCode);
        var lines = run.Out;
        Assert.Contains("route: openai ok", lines, StringComparison.Ordinal);
        Assert.Contains("route: openai failed 503 Overloaded → vertexai ok", lines, StringComparison.Ordinal);
        Assert.Contains("circuit openai: Closed → Open (FailureThresholdReached)", lines, StringComparison.Ordinal);
        Assert.Contains("openai skipped (circuit open) → vertexai ok", lines, StringComparison.Ordinal);
        Assert.Contains("openai is skipped while its breaker is open: it received no request.", lines, StringComparison.Ordinal);
        Assert.Contains("circuit openai: Open → HalfOpen (RecoveryTimeoutElapsed)", lines, StringComparison.Ordinal);
        Assert.Contains("circuit openai: HalfOpen → Closed (ProbeSucceeded)", lines, StringComparison.Ordinal);
        Assert.Contains("route: openai failed Timeout → vertexai ok", lines, StringComparison.Ordinal);
        Assert.Contains("Summary: 12 requests, 12 answered, 0 failed", lines, StringComparison.Ordinal);
        Assert.Contains("Cost of this run: $", lines, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", lines, StringComparison.Ordinal);

        // The summary comes from the library's snapshot, also written as JSON; `status --metrics` shows that file.
        Assert.Matches(@"openai +circuit closed +calls +9 +failures 3 \(Timeout 1, Overloaded 2\) +skips +3 +trips 1", lines);
        try
        {
            var json = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(metrics, TestContext.Current.CancellationToken))!;
            Assert.Equal(12, json["totals"]!["requests"]!.GetValue<long>());
            Assert.Equal(12, json["totals"]!["succeeded"]!.GetValue<long>());
            var openai = json["providers"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "openai")!;
            Assert.Equal(1, openai["breaker_trips"]!.GetValue<long>());

            var status = await CliRun.RunAsync(["status", "--emulate", "--no-check", "--metrics", metrics]);
            Assert.Equal(0, status.ExitCode);
            Assert.Contains("Metrics: 12 requests, 12 answered, 0 failed", status.Out, StringComparison.Ordinal);
            Assert.Contains("Timeout", status.Out, StringComparison.Ordinal); // openai's last error (the stalled stream)
        }
        finally
        {
            File.Delete(metrics);
        }
    }

    [Fact]
    public async Task Cost_prints_the_configured_models_prices_and_an_estimate_per_provider()
    {
        var run = await CliRun.RunAsync(["cost", "--emulate", "How much does failover cost?"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("genai-prices", run.Out, StringComparison.Ordinal);
        Assert.Contains("gpt-5.4-mini", run.Out, StringComparison.Ordinal);
        Assert.Contains("$0.75", run.Out, StringComparison.Ordinal);
        Assert.Contains("o200k tokenizer", run.Out, StringComparison.Ordinal);
        Assert.Contains("approximation", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_on_the_emulator_streams_an_answer_and_reports_the_route()
    {
        var run = await CliRun.RunAsync(["chat", "--emulate", "What is failover?"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Hello from openai. You said: \"What is failover?\"", run.Out, StringComparison.Ordinal);
        Assert.Contains("[via openai · gpt-5.4-mini", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_without_a_prompt_runs_an_interactive_session_with_history()
    {
        var run = await CliRun.RunAsync(["chat", "--emulate", "--no-stream"], input: "first question\nsecond question\n\n");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("You said: \"first question\"", run.Out, StringComparison.Ordinal);
        Assert.Contains("You said: \"second question\"", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_on_the_emulator_checks_every_providers_credentials()
    {
        var run = await CliRun.RunAsync(["status", "--emulate"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("openai", run.Out, StringComparison.Ordinal);
        Assert.Contains("vertexai", run.Out, StringComparison.Ordinal);
        Assert.Contains("anthropic", run.Out, StringComparison.Ordinal);
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Count(run.Out, "Valid:"));
    }

    [Fact]
    public async Task Emulator_prints_its_instances_control_url_and_ready_then_serves_until_stopped()
    {
        using var output = new StringWriter();
        using var stop = new CancellationTokenSource();
        var context = new CliContext { Out = output, Error = TextWriter.Null };
        var running = CliApplication.RunAsync(["emulator", "--port", "0"], context, stop.Token);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!output.ToString().Contains("ready", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(9, lines.Length);
        Assert.Matches(@"^openai openai http://127\.0\.0\.1:\d+/openai/v1$", lines[0]);
        Assert.Matches(@"^anthropic anthropic http://127\.0\.0\.1:\d+/anthropic$", lines[1]);
        Assert.Matches(@"^vertexai vertexai http://127\.0\.0\.1:\d+/vertexai$", lines[2]);
        Assert.Matches(@"^azure azureopenai http://127\.0\.0\.1:\d+/azure$", lines[3]);
        Assert.Matches(@"^compatible openaicompatible http://127\.0\.0\.1:\d+/compatible/v1$", lines[4]);
        Assert.Matches(@"^ollama ollama http://127\.0\.0\.1:\d+/ollama$", lines[5]);
        Assert.Matches(@"^gemini gemini http://127\.0\.0\.1:\d+/gemini$", lines[6]);
        Assert.Matches(@"^control http://127\.0\.0\.1:\d+/_emulator$", lines[7]);
        Assert.Equal("ready", lines[8]);

        using var http = new HttpClient();
        var control = lines[7].Split(' ')[1];
        var listing = await http.GetStringAsync(new Uri(control), TestContext.Current.CancellationToken);
        Assert.Contains("\"name\":\"vertexai\"", listing, StringComparison.Ordinal);

        await stop.CancelAsync();
        Assert.Equal(0, await running);
    }
}
