using System.Text;
using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.AI;

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
                { "name": "bedrock", "model": "titan-text" },
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
        options.Providers.Add(new ProviderOptions { Name = "local", Type = "bedrock", Model = "titan-text" });

        Assert.Single(FlexiAIConfiguration.Validate(options));
        Assert.Empty(FlexiAIConfiguration.Validate(options, ["bedrock"]));
    }

    [Fact]
    public void Every_duration_above_what_the_runtime_accepts_is_refused_with_its_path_and_range()
    {
        var problems = Problems("""
            {
              "providers": [ { "name": "vertexai", "model": "gemini-2.0-flash", "timeout": "720h", "first_token_timeout": 2592000, "idle_timeout": "720h" } ],
              "attempt_timeout": "720h", "request_timeout": "720h", "wait_for_recovery": "720h",
              "circuit_breaker": { "recovery_timeout": "720h" },
              "retry": { "initial_delay": "720h", "max_delay": "720h", "max_retry_after": "720h" },
              "streaming": { "first_token_timeout": "720h", "idle_timeout": "720h" }
            }
            """);

        Assert.Equal(
            [
                "providers[0].timeout", "providers[0].first_token_timeout", "providers[0].idle_timeout", "circuit_breaker.recovery_timeout",
                "retry.initial_delay", "retry.max_delay", "retry.max_retry_after", "attempt_timeout", "request_timeout", "wait_for_recovery",
                "streaming.first_token_timeout", "streaming.idle_timeout",
            ],
            problems.Select(p => p.Path));
        Assert.All(problems, p => Assert.Contains("30 days is above the maximum of 24 days", p.Message, StringComparison.Ordinal));
        Assert.Equal(
            "providers[0].timeout: 30 days is above the maximum of 24 days (the longest timer .NET and HttpClient accept); use a value above 0 and up to 24 days, or \"infinite\" for no limit.",
            problems[0].ToString());
        Assert.EndsWith("use a value from 0 to 24 days.", problems.Single(p => p.Path == "wait_for_recovery").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_and_zero_durations_name_the_allowed_range()
    {
        var options = new FlexiAIOptions { AttemptTimeout = TimeSpan.Zero, WaitForRecovery = TimeSpan.FromSeconds(-1), RequestTimeout = TimeSpan.MinValue };
        options.Providers.Add(new ProviderOptions { Name = "p", Model = "m", ChatClient = FakeChatClient.Answering("p"), IdleTimeout = TimeSpan.FromMilliseconds(-5) });
        options.Retry.MaxRetryAfter = TimeSpan.FromMilliseconds(-250);

        var byPath = FlexiAIConfiguration.Validate(options).ToDictionary(e => e.Path, e => e.Message);

        Assert.Equal("must be a positive duration up to 24 days, or \"infinite\" for no limit; got 0 s.", byPath["attempt_timeout"]);
        Assert.Equal("must be 0 (fail fast) or a positive duration up to 24 days; got -1 s.", byPath["wait_for_recovery"]);
        Assert.Contains("got -10675199.12 days", byPath["request_timeout"], StringComparison.Ordinal);
        Assert.Contains("got -5 ms", byPath["providers[0].idle_timeout"], StringComparison.Ordinal);
        Assert.Contains("got -250 ms", byPath["retry.max_retry_after"], StringComparison.Ordinal);
    }

    [Fact]
    public void A_vertex_timeout_above_what_HttpClient_accepts_is_a_configuration_error_not_a_crash()
    {
        var options = new FlexiAIOptions();
        options.Providers.Add(new ProviderOptions { Name = "vertexai", Model = "gemini-2.0-flash", Timeout = TimeSpan.FromDays(30), Settings = { ["project"] = "p", ["access_token"] = "t0ken-for-tests" } });

        var error = Assert.Throws<ConfigurationException>(() => new FlexiAIClient(options, new FlexiAIClientOptions { EnvironmentVariables = _ => null }));

        Assert.Equal("providers[0].timeout", Assert.Single(error.Errors).Path);
    }

    [Fact]
    public void Attempt_and_recovery_timeouts_that_would_overflow_at_run_time_are_refused_when_the_client_is_built()
    {
        var options = TestClients.Options(FakeChatClient.Failing("a", 500));
        options.AttemptTimeout = TimeSpan.FromDays(60);
        options.CircuitBreaker.RecoveryTimeout = TimeSpan.MaxValue;

        var error = Assert.Throws<ConfigurationException>(() => new FlexiAIClient(options));

        Assert.Equal(["circuit_breaker.recovery_timeout", "attempt_timeout"], error.Errors.Select(e => e.Path));
    }

    [Fact]
    public async Task The_largest_accepted_durations_run_on_the_system_clock_without_overflow()
    {
        var max = TimeSpan.FromDays(24);
        var a = new FakeChatClient("a").ThenFail(500);
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.AttemptTimeout = max;
        options.RequestTimeout = max;
        options.WaitForRecovery = max;
        options.CircuitBreaker.FailureThreshold = 1;
        options.CircuitBreaker.RecoveryTimeout = max;
        options.Retry.MaxRetryAfter = max;
        options.Retry.MaxDelay = max;
        options.Streaming.FirstTokenTimeout = max;
        options.Streaming.IdleTimeout = max;
        options.Providers.Add(new ProviderOptions { Name = "vertexai", Model = "gemini-2.0-flash", Priority = 3, Timeout = max, Settings = { ["project"] = "p", ["access_token"] = "t0ken-for-tests" } });
        using var client = new FlexiAIClient(options, new FlexiAIClientOptions { EnvironmentVariables = _ => null });

        var failedOver = await client.GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken);
        var skipped = await client.GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken);
        var streamed = new List<string>();
        await foreach (var update in client.GetStreamingResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken))
        {
            streamed.Add(update.Text);
        }

        Assert.Equal("b", failedOver.GetRoute().Provider);
        Assert.Equal(AttemptOutcome.SkippedCircuitOpen, skipped.GetRoute().Attempts[0].Outcome);
        Assert.Equal("Hello", string.Concat(streamed));
        Assert.Equal(CircuitState.Open, client.GetProviderStatus().Single(s => s.Name == "a").State);
    }
}
