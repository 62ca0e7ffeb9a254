using System.Text;

namespace FlexiAI.Tests.Configuration;

public sealed class ConfigurationValidationTests
{
    private const string Secret = "sk-proj-THIS-IS-A-SECRET-0123456789";

    private static ConfigurationException LoadFails(string json, params KeyValuePair<string, string?>[] environment) =>
        Assert.Throws<ConfigurationException>(() => FlexiAIConfiguration.LoadJson(new MemoryStream(Encoding.UTF8.GetBytes(json)), environment, null));

    private static IReadOnlyList<ConfigurationError> Problems(string json) =>
        FlexiAIConfiguration.Validate(FlexiAIConfiguration.LoadJson(new MemoryStream(Encoding.UTF8.GetBytes(json)), [], null));

    [Fact]
    public void Every_problem_is_reported_with_its_path_and_fix()
    {
        var problems = Problems($$"""
            {
              "providers": [
                { "name": "openai", "priority": 0, "api_key": "{{Secret}}" },
                { "name": "openai", "model": "gpt-4.1" },
                { "name": "gemini", "model": "gemini-2.0-flash" },
                { "name": "x", "type": "antropic", "model": "claude" }
              ],
              "circuit_breaker": { "failure_threshold": 0, "recovery_timeout": 0, "expected_exception": ["APIError", "Timout"] },
              "retry": { "max_attempts": 0, "backoff_factor": 0.5, "initial_delay": 5, "max_delay": 1 },
              "attempt_timeout": 0
            }
            """);

        var paths = problems.Select(p => p.Path).ToList();
        Assert.Equal(
            [
                "providers[0].model", "providers[0].priority", "providers[1].name", "providers[2].name", "providers[3].type",
                "circuit_breaker.failure_threshold", "circuit_breaker.recovery_timeout", "circuit_breaker.expected_exception[1]",
                "retry.max_attempts", "retry.backoff_factor", "retry.max_delay", "attempt_timeout",
            ],
            paths);
        Assert.Contains("\"gpt-5.4-mini\"", problems[0].Message, StringComparison.Ordinal);
        Assert.Contains("already the name of providers[0]", problems[2].Message, StringComparison.Ordinal);
        Assert.Contains("add \"type\"", problems[3].Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'anthropic'?", problems[4].Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'Timeout'?", problems[7].Message, StringComparison.Ordinal);
        Assert.DoesNotContain(problems, p => p.ToString().Contains("SECRET", StringComparison.Ordinal));
    }

    [Fact]
    public void The_client_refuses_invalid_options_without_echoing_the_key()
    {
        var options = new FlexiAIOptions();
        options.Providers.Add(new ProviderOptions { Name = "openai", ApiKey = Secret });

        var error = Assert.Throws<ConfigurationException>(() => new FlexiAIClient(options));

        Assert.Equal("providers[0].model", Assert.Single(error.Errors).Path);
        Assert.DoesNotContain("SECRET", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", options.Providers[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void No_providers_and_all_disabled_are_explained()
    {
        Assert.Equal("providers", Assert.Single(Problems("{}")).Path);
        var disabled = Assert.Single(Problems("""{ "providers": [ { "name": "openai", "model": "m", "enabled": false } ] }"""));
        Assert.Contains("every provider is disabled", disabled.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_keys_are_rejected_with_a_suggestion()
    {
        var error = LoadFails("""{ "providers": [ { "name": "openai", "modle": "gpt-4.1-mini" } ], "circuit_breaker": { "failure_treshold": 3 } }""");

        var byPath = error.Errors.ToDictionary(e => e.Path, e => e.Message);
        Assert.Equal(2, byPath.Count);
        Assert.Contains("Did you mean 'model'?", byPath["providers[0].modle"], StringComparison.Ordinal);
        Assert.Contains("Did you mean 'failure_threshold'?", byPath["circuit_breaker.failure_treshold"], StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_value_shapes_name_the_path_and_an_example()
    {
        var error = LoadFails("""
            { "retry": { "max_attempts": "three", "jitter": "maybe" }, "attempt_timeout": "soon", "logging": { "level": "LOUD" },
              "providers": [ { "name": "openai", "model": "m", "base_url": "not a url", "api_key": { "nested": "x" } } ],
              "streaming": { "mid_stream_policy": "retry" }, "preset": "turbo" }
            """);

        var byPath = error.Errors.ToDictionary(e => e.Path, e => e.Message);
        Assert.Contains("'three' is not a whole number", byPath["retry.max_attempts"], StringComparison.Ordinal);
        Assert.Contains("not true or false", byPath["retry.jitter"], StringComparison.Ordinal);
        Assert.Contains("\"30s\"", byPath["attempt_timeout"], StringComparison.Ordinal);
        Assert.Contains("DEBUG, INFO", byPath["logging.level"], StringComparison.Ordinal);
        Assert.Contains("absolute http(s) URL", byPath["providers[0].base_url"], StringComparison.Ordinal);
        Assert.Contains("expected a string", byPath["providers[0].api_key"], StringComparison.Ordinal);
        Assert.Contains("fail or continue", byPath["streaming.mid_stream_policy"], StringComparison.Ordinal);
        Assert.Contains("fast, balanced or reliable", byPath["preset"], StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_environment_variable_is_named_in_the_error()
    {
        var error = LoadFails("{}", new KeyValuePair<string, string?>("FLEXIAI_RETRY__MAX_ATEMPTS", "2"));

        var problem = Assert.Single(error.Errors);
        Assert.Equal("retry.MAX_ATEMPTS", problem.Path);
        Assert.Contains("FLEXIAI_RETRY__MAX_ATEMPTS", problem.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'max_attempts'?", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_json_and_missing_files_are_configuration_errors()
    {
        var malformed = LoadFails("""{ "providers": [ { "name": "openai", } """);
        Assert.Equal("$", malformed.Errors[0].Path);
        Assert.Contains("not valid JSON", malformed.Message, StringComparison.Ordinal);

        var missing = Assert.Throws<ConfigurationException>(() => FlexiAIConfiguration.LoadFile("/nonexistent/flexiai.json"));
        Assert.Equal("file", missing.Errors[0].Path);
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misplaced_key_in_config_is_not_echoed()
    {
        var error = LoadFails($$"""{ "providers": [ { "name": "openai", "model": "m", "config": { "api_key": "{{Secret}}" } } ] }""");

        Assert.Equal("providers[0].config.api_key", Assert.Single(error.Errors).Path);
        Assert.DoesNotContain("SECRET", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Custom_provider_types_are_accepted_when_registered()
    {
        var options = new FlexiAIOptions();
        options.Providers.Add(new ProviderOptions { Name = "local", Type = "ollama", Model = "llama3" });

        Assert.Single(FlexiAIConfiguration.Validate(options));
        Assert.Empty(FlexiAIConfiguration.Validate(options, ["ollama"]));
    }
}
