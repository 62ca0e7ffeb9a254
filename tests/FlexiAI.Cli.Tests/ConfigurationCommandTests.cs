namespace FlexiAI.Cli.Tests;

public sealed class ConfigurationCommandTests
{
    private static readonly string PlanExample = Path.Combine(AppContext.BaseDirectory, "Fixtures", "plan-example.json");

    private static string TempFile(string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"flexiai-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public async Task Validate_accepts_the_plans_example()
    {
        var run = await CliRun.RunAsync(["validate", PlanExample]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("valid", run.Out, StringComparison.Ordinal);
        Assert.Contains("1. openai (openai, gpt-4.1-mini)", run.Out, StringComparison.Ordinal);
        Assert.Contains("3. anthropic (anthropic, claude-3-sonnet)", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_names_every_broken_path_and_fails()
    {
        var file = TempFile("""{ "providers": [ { "name": "openai", "priority": 0 }, { "name": "antropic", "model": "x" } ], "retry": { "max_attempts": 0 } }""");

        var run = await CliRun.RunAsync(["validate", file]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("4 problems", run.Out, StringComparison.Ordinal);
        Assert.Contains("providers[0].model:", run.Out, StringComparison.Ordinal);
        Assert.Contains("providers[0].priority:", run.Out, StringComparison.Ordinal);
        Assert.Contains("providers[1].name: 'antropic' is not a provider type", run.Out, StringComparison.Ordinal);
        Assert.Contains("retry.max_attempts:", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_reports_malformed_json_and_unknown_keys()
    {
        var malformed = await CliRun.RunAsync(["validate", TempFile("{ \"providers\": [ ")]);
        Assert.Equal(1, malformed.ExitCode);
        Assert.Contains("$: ", malformed.Out, StringComparison.Ordinal);

        var unknown = await CliRun.RunAsync(["validate", TempFile("""{ "providers": [ { "name": "openai", "modle": "m" } ] }""")]);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("providers[0].modle: unknown setting 'modle'. Did you mean 'model'?", unknown.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_without_a_file_explains_usage()
    {
        var run = await CliRun.RunAsync(["validate"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Usage: flexiai validate FILE", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_finds_the_file_through_FLEXIAI_CONFIG()
    {
        var run = await CliRun.RunAsync(["validate"], new() { ["FLEXIAI_CONFIG"] = PlanExample });

        Assert.Equal(0, run.ExitCode);
    }

    [Fact]
    public async Task Config_export_masks_keys_from_the_file_and_the_environment()
    {
        const string key = "sk-proj-abcdefghijklmnopqrstuvwxyz0123";
        var file = TempFile($$"""{ "providers": [ { "name": "openai", "model": "gpt-5.4-mini" }, { "name": "anthropic", "model": "claude-sonnet-5-5", "api_key": "{{key}}" } ] }""");

        var run = await CliRun.RunAsync(["config", "export", "--config", file], new() { ["OPENAI_API_KEY"] = "sk-env-0123456789abcdefghij", ["FLEXIAI_RETRY__MAX_ATTEMPTS"] = "2" });

        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain("abcdefghijklmnop", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-env", run.Out, StringComparison.Ordinal);
        Assert.Contains("\"api_key\": \"***0123\"", run.Out, StringComparison.Ordinal);
        Assert.Contains("\"api_key\": \"***ghij\"", run.Out, StringComparison.Ordinal);
        Assert.Contains("\"max_attempts\": 2", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_without_any_configuration_says_how_to_configure_and_fails()
    {
        var run = await CliRun.RunAsync(["chat", "Hello"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("No FlexiAI configuration found.", run.Error, StringComparison.Ordinal);
        Assert.Contains("OPENAI_API_KEY", run.Error, StringComparison.Ordinal);
        Assert.Contains("flexiai chat --emulate", run.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Out);
    }

    [Fact]
    public async Task Status_without_any_configuration_says_how_to_configure()
    {
        var run = await CliRun.RunAsync(["status", "--no-check"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("No FlexiAI configuration found.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_lists_providers_from_environment_keys_in_plan_order()
    {
        var run = await CliRun.RunAsync(["status", "--no-check"], new() { ["ANTHROPIC_API_KEY"] = "sk-ant-test-key-0000000000", ["OPENAI_API_KEY"] = "sk-test-key-000000000000" });

        Assert.Equal(0, run.ExitCode);
        var openai = run.Out.IndexOf("openai", StringComparison.Ordinal);
        var anthropic = run.Out.IndexOf("anthropic", StringComparison.Ordinal);
        Assert.True(openai >= 0 && anthropic > openai, run.Out);
        Assert.Contains("Closed", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_how_to_configure_text_names_each_providers_variable_and_current_model()
    {
        var run = await CliRun.RunAsync(["chat", "Hello"]);

        Assert.Contains("export OPENAI_API_KEY=sk-...", run.Error, StringComparison.Ordinal);
        Assert.Contains("export GOOGLE_CLOUD_PROJECT=my-project", run.Error, StringComparison.Ordinal);
        Assert.Contains("export ANTHROPIC_API_KEY=sk-ant-...", run.Error, StringComparison.Ordinal);
        Assert.Contains("gpt-5.4-mini", run.Error, StringComparison.Ordinal);
        Assert.Contains("gemini-3.5-flash", run.Error, StringComparison.Ordinal);
        Assert.Contains("claude-sonnet-5-5", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("claude-sonnet-4-5", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Providers_configured_by_the_environment_use_each_types_current_model()
    {
        var run = await CliRun.RunAsync(["status", "--no-check"], new() { ["GOOGLE_CLOUD_PROJECT"] = "my-project", ["ANTHROPIC_API_KEY"] = "sk-ant-test-key-0000000000" });

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("gemini-3.5-flash", run.Out, StringComparison.Ordinal);
        Assert.Contains("claude-sonnet-5-5", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("openai", run.Out, StringComparison.Ordinal);
    }
}
