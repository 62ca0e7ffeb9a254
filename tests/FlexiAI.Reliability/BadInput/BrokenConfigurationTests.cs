using System.Text;

namespace FlexiAI.Reliability.BadInput;

/// <summary>Broken configurations: each is refused with a <see cref="ConfigurationException"/> naming the exact path at fault.</summary>
public sealed class BrokenConfigurationTests
{
    private const string Provider = """{ "name": "openai", "model": "gpt-5.4-mini", "api_key": "CANARYOPENAIx7f3a9c2e41b8d6054e1f9a3c7b2d" }""";

    // (top-level JSON members after "providers", the first provider's extra members, the expected path)
    public static readonly TheoryData<string, string, string, string> Cases = new()
    {
        // types
        { "type-threshold-string", "\"circuit_breaker\": { \"failure_threshold\": \"many\" }", "", "circuit_breaker.failure_threshold" },
        { "type-threshold-float", "\"circuit_breaker\": { \"failure_threshold\": 2.5 }", "", "circuit_breaker.failure_threshold" },
        { "type-attempts-bool", "\"retry\": { \"max_attempts\": true }", "", "retry.max_attempts" },
        { "type-section-as-value", "\"circuit_breaker\": 5", "", "circuit_breaker" },
        { "type-timeout-object", "\"attempt_timeout\": { \"s\": 1 }", "", "attempt_timeout" },
        { "type-timeout-word", "\"attempt_timeout\": \"soon\"", "", "attempt_timeout" },
        { "type-priority-string", "", "\"priority\": \"first\"", "providers[0].priority" },
        { "type-enabled-string", "", "\"enabled\": \"yes please\"", "providers[0].enabled" },
        { "type-max-retries-float", "", "\"max_retries\": 1.5", "providers[0].max_retries" },
        { "type-jitter-number", "\"retry\": { \"jitter\": 3 }", "", "retry.jitter" },
        { "type-policy-value", "\"error_policies\": { \"rate_limited\": { \"failover\": \"maybe\" } }", "", "error_policies.rate_limited.failover" },
        { "type-streaming-policy", "\"streaming\": { \"mid_stream_policy\": \"retry\" }", "", "streaming.mid_stream_policy" },
        { "type-require-finish", "\"streaming\": { \"require_finish_reason\": \"sometimes\" }", "", "streaming.require_finish_reason" },
        { "type-log-level", "\"logging\": { \"level\": \"LOUD\" }", "", "logging.level" },
        { "type-base-url-number", "", "\"base_url\": 42", "providers[0].base_url" },
        // ranges
        { "range-threshold-zero", "\"circuit_breaker\": { \"failure_threshold\": 0 }", "", "circuit_breaker.failure_threshold" },
        { "range-threshold-negative", "\"circuit_breaker\": { \"failure_threshold\": -3 }", "", "circuit_breaker.failure_threshold" },
        { "range-recovery-zero", "\"circuit_breaker\": { \"recovery_timeout\": 0 }", "", "circuit_breaker.recovery_timeout" },
        { "range-store-timeout", "\"circuit_breaker\": { \"store_timeout\": 0 }", "", "circuit_breaker.store_timeout" },
        { "range-store-refresh", "\"circuit_breaker\": { \"store_refresh_interval\": 7200 }", "", "circuit_breaker.store_refresh_interval" },
        { "range-attempts-zero", "\"retry\": { \"max_attempts\": 0 }", "", "retry.max_attempts" },
        { "range-attempts-21", "\"retry\": { \"max_attempts\": 21 }", "", "retry.max_attempts" },
        { "range-backoff", "\"retry\": { \"backoff_factor\": 0.5 }", "", "retry.backoff_factor" },
        { "range-initial-negative", "\"retry\": { \"initial_delay\": -1 }", "", "retry.initial_delay" },
        { "range-max-delay", "\"retry\": { \"initial_delay\": 5, \"max_delay\": 1 }", "", "retry.max_delay" },
        { "range-max-retry-after", "\"retry\": { \"max_retry_after\": -2 }", "", "retry.max_retry_after" },
        { "range-attempt-timeout-zero", "\"attempt_timeout\": 0", "", "attempt_timeout" },
        { "range-request-timeout-negative", "\"request_timeout\": -5", "", "request_timeout" },
        { "range-wait-negative", "\"wait_for_recovery\": -1", "", "wait_for_recovery" },
        { "range-idle-zero", "\"streaming\": { \"idle_timeout\": 0 }", "", "streaming.idle_timeout" },
        { "range-first-token-zero", "\"streaming\": { \"first_token_timeout\": 0 }", "", "streaming.first_token_timeout" },
        { "range-priority-zero", "", "\"priority\": 0", "providers[0].priority" },
        { "range-max-retries-20", "", "\"max_retries\": 20", "providers[0].max_retries" },
        { "range-max-retries-negative", "", "\"max_retries\": -1", "providers[0].max_retries" },
        { "range-provider-timeout-zero", "", "\"timeout\": 0", "providers[0].timeout" },
        { "range-provider-idle-negative", "", "\"idle_timeout\": -2", "providers[0].idle_timeout" },
        // huge values
        { "huge-attempt-timeout", "\"attempt_timeout\": 99999999", "", "attempt_timeout" },
        { "huge-recovery-days", "\"circuit_breaker\": { \"recovery_timeout\": \"30000h\" }", "", "circuit_breaker.recovery_timeout" },
        { "huge-threshold", "\"circuit_breaker\": { \"failure_threshold\": 99999999999999 }", "", "circuit_breaker.failure_threshold" },
        { "huge-provider-timeout", "", "\"timeout\": 1e300", "providers[0].timeout" },
        { "huge-max-delay", "\"retry\": { \"max_delay\": \"99999999:00:00\" }", "", "retry.max_delay" },
        // unknown names
        { "unknown-top-level", "\"retries\": { \"max_attempts\": 2 }", "", "retries" },
        { "unknown-breaker-key", "\"circuit_breaker\": { \"failure_treshold\": 3 }", "", "circuit_breaker.failure_treshold" },
        { "unknown-retry-key", "\"retry\": { \"max_attempt\": 3 }", "", "retry.max_attempt" },
        { "unknown-provider-key", "", "\"modle\": \"x\"", "providers[0].modle" },
        { "unknown-provider-type", "", "\"type\": \"antropic\"", "providers[0].type" },
        { "unknown-expected-exception", "\"circuit_breaker\": { \"expected_exception\": [\"APIError\", \"Timout\"] }", "", "circuit_breaker.expected_exception[1]" },
        { "unknown-policy-category", "\"error_policies\": { \"rate_limit\": { \"retry\": false } }", "", "error_policies.rate_limit" },
        { "unknown-streaming-key", "\"streaming\": { \"idle\": 3 }", "", "streaming.idle" },
        { "unknown-preset", "\"preset\": \"turbo\"", "", "preset" },
        // duplicates
        { "duplicate-provider-name", "", "", "providers[1].name" },
        // nulls and missing
        { "null-model", "", "\"model\": null", "providers[0].model" },
        { "empty-model", "", "\"model\": \"\"", "providers[0].model" },
        { "null-name", "", "\"name\": null", "providers[0].name" },
        // deep junk
        { "deep-junk-in-retry", "\"retry\": { \"max_attempts\": { \"a\": { \"b\": { \"c\": [1, [2, [3]]] } } } }", "", "retry.max_attempts" },
        { "deep-junk-in-breaker", "\"circuit_breaker\": { \"recovery_timeout\": [[[[[]]]]] }", "", "circuit_breaker.recovery_timeout" },
        // invalid URLs
        { "url-relative", "", "\"base_url\": \"/v1\"", "providers[0].base_url" },
        { "url-ftp", "", "\"base_url\": \"ftp://example.com/v1\"", "providers[0].base_url" },
        { "url-garbage", "", "\"base_url\": \"http://exa mple .com\"", "providers[0].base_url" },
        { "url-no-scheme", "", "\"base_url\": \"example.com/v1\"", "providers[0].base_url" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_broken_configuration_is_refused_with_the_exact_path(string name, string topLevel, string providerExtra, string path)
    {
        var provider = providerExtra.Length == 0 ? Provider : Provider[..^1] + ", " + providerExtra + " }";
        // A duplicated member in a JSON object is a JSON-level error; later members are used to override (e.g. "model": null).
        provider = provider.Replace("\"model\": \"gpt-5.4-mini\", \"api_key\"", providerExtra.Contains("\"model\"", StringComparison.Ordinal) ? "\"api_key\"" : "\"model\": \"gpt-5.4-mini\", \"api_key\"", StringComparison.Ordinal);
        if (providerExtra.Contains("\"name\"", StringComparison.Ordinal))
        {
            provider = provider.Replace("\"name\": \"openai\", ", string.Empty, StringComparison.Ordinal);
        }

        var providers = name == "duplicate-provider-name" ? $"[{provider}, {Provider.Replace("openai\",", "OpenAI\",", StringComparison.Ordinal)}]" : $"[{provider}]";
        var json = $"{{ \"providers\": {providers}{(topLevel.Length == 0 ? string.Empty : ", " + topLevel)} }}";

        var error = Assert.Throws<ConfigurationException>(() =>
        {
            var options = FlexiAIConfiguration.LoadJson(new MemoryStream(Encoding.UTF8.GetBytes(json)), [], null);
            using var client = new FlexiAIClient(options, new FlexiAIClientOptions { EnvironmentVariables = _ => null });
        });

        Assert.True(error.Errors.Any(e => e.Path == path), $"{name}: expected an error at '{path}'; got {string.Join(" | ", error.Errors)}\n{json}");
        Assert.All(error.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
        Assert.DoesNotContain("CANARYOPENAI", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_array_where_a_section_belongs_is_reported_at_the_section()
    {
        var json = $"{{ \"providers\": [{Provider}], \"retry\": [1, 2] }}";
        var error = Assert.Throws<ConfigurationException>(() => FlexiAIConfiguration.LoadJson(new MemoryStream(Encoding.UTF8.GetBytes(json)), [], null));
        Assert.Equal("retry", Assert.Single(error.Errors).Path);
    }

    [Fact]
    public void There_are_at_least_fifty_broken_configurations() => Assert.True(Cases.Count >= 50, $"{Cases.Count} cases");
}
