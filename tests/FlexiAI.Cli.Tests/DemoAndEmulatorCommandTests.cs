namespace FlexiAI.Cli.Tests;

public sealed class DemoAndEmulatorCommandTests
{
    [Fact]
    public async Task Demo_without_a_terminal_prints_the_failover_breaker_and_recovery()
    {
        var run = await CliRun.RunAsync(["demo", "--no-live", "--recovery-seconds", "1"]);

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
        Assert.Equal(5, lines.Length);
        Assert.Matches(@"^openai openai http://127\.0\.0\.1:\d+/openai/v1$", lines[0]);
        Assert.Matches(@"^anthropic anthropic http://127\.0\.0\.1:\d+/anthropic$", lines[1]);
        Assert.Matches(@"^vertexai vertexai http://127\.0\.0\.1:\d+/vertexai$", lines[2]);
        Assert.Matches(@"^control http://127\.0\.0\.1:\d+/_emulator$", lines[3]);
        Assert.Equal("ready", lines[4]);

        using var http = new HttpClient();
        var control = lines[3].Split(' ')[1];
        var listing = await http.GetStringAsync(new Uri(control), TestContext.Current.CancellationToken);
        Assert.Contains("\"name\":\"vertexai\"", listing, StringComparison.Ordinal);

        await stop.CancelAsync();
        Assert.Equal(0, await running);
    }
}
