using System.Text;
using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlexiAI.Tests.Configuration;

public sealed class ConfigurationLoadingTests
{
    private static readonly KeyValuePair<string, string?>[] NoEnvironment = [];

    private static FlexiAIOptions Load(string json, IEnumerable<KeyValuePair<string, string?>>? environment = null, Action<FlexiAIOptions>? configure = null) =>
        FlexiAIConfiguration.LoadJson(new MemoryStream(Encoding.UTF8.GetBytes(json)), environment ?? NoEnvironment, configure);

    private static KeyValuePair<string, string?> Env(string name, string value) => new(name, value);

    [Fact]
    public void The_plans_example_loads_unchanged_and_validates()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "plan-example.json");

        var options = FlexiAIConfiguration.LoadFile(path, NoEnvironment, configure: null);

        Assert.Empty(FlexiAIConfiguration.Validate(options));
        Assert.Equal(["openai", "vertexai", "anthropic"], options.Providers.Select(p => p.Name));
        Assert.Equal([1, 2, 3], options.Providers.Select(p => p.Priority!.Value));
        var openai = options.Providers[0];
        Assert.Equal("openai", openai.EffectiveType);
        Assert.Equal("gpt-4.1-mini", openai.Model);
        Assert.Equal("sk-...", openai.ApiKey);
        Assert.Equal(TimeSpan.FromSeconds(30), openai.Timeout);
        Assert.Equal(3, openai.MaxRetries);
        Assert.Empty(openai.Settings);
        var vertex = options.Providers[1];
        Assert.Equal("gcp-project-id", vertex.Settings["project"]);
        Assert.Equal("us-central1", vertex.Settings["location"]);
        Assert.Equal("claude-3-sonnet", options.Providers[2].Model);
        Assert.Equal(5, options.CircuitBreaker.FailureThreshold);
        Assert.Equal(TimeSpan.FromSeconds(60), options.CircuitBreaker.RecoveryTimeout);
        Assert.Equal(["APIError", "Timeout"], options.CircuitBreaker.ExpectedExceptions);
        Assert.Equal(3, options.Retry.MaxAttempts);
        Assert.Equal(2, options.Retry.BackoffFactor);
        Assert.Equal(LogLevel.Information, options.Logging.Level);
        Assert.Equal("flexiai.log", options.Logging.File);
    }

    [Fact]
    public void Environment_overrides_the_file_and_code_overrides_the_environment()
    {
        const string json = """{ "providers": [ { "name": "openai", "model": "gpt-4.1-mini", "api_key": "sk-file" } ], "retry": { "max_attempts": 2 }, "circuit_breaker": { "failure_threshold": 4 } }""";
        KeyValuePair<string, string?>[] env =
        [
            Env("FLEXIAI_RETRY__MAX_ATTEMPTS", "5"),
            Env("FLEXIAI_CIRCUIT_BREAKER_FAILURE_THRESHOLD", "7"),
            Env("FLEXIAI_PROVIDERS__0__MODEL", "gpt-4.1"),
            Env("FLEXIAI_PROVIDERS__OPENAI__API_KEY", "sk-from-environment"),
            Env("FLEXIAI_ATTEMPT_TIMEOUT", "12s"),
            Env("UNRELATED", "x"),
        ];

        var options = Load(json, env, o => o.Retry.MaxAttempts = 9);

        Assert.Equal(9, options.Retry.MaxAttempts);
        Assert.Equal(7, options.CircuitBreaker.FailureThreshold);
        Assert.Single(options.Providers);
        Assert.Equal("gpt-4.1", options.Providers[0].Model);
        Assert.Equal("sk-from-environment", options.Providers[0].ApiKey);
        Assert.Equal(TimeSpan.FromSeconds(12), options.AttemptTimeout);
    }

    [Fact]
    public void Environment_alone_can_define_a_provider_by_name()
    {
        var options = Load("{}", [Env("FLEXIAI_PROVIDERS__ANTHROPIC__MODEL", "claude-sonnet-4-5"), Env("FLEXIAI_PROVIDERS__ANTHROPIC__PRIORITY", "1")]);

        var provider = Assert.Single(options.Providers);
        Assert.Equal("anthropic", provider.Name);
        Assert.Equal("claude-sonnet-4-5", provider.Model);
        Assert.Equal(1, provider.Priority);
    }

    [Fact]
    public void Pascal_case_appsettings_sections_bind_through_IConfiguration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FlexiAI:Providers:0:Name"] = "primary",
            ["FlexiAI:Providers:0:Type"] = "OpenAI",
            ["FlexiAI:Providers:0:Model"] = "gpt-4.1-mini",
            ["FlexiAI:Providers:0:BaseUrl"] = "http://127.0.0.1:5000/v1",
            ["FlexiAI:Providers:1:Name"] = "backup",
            ["FlexiAI:Providers:1:Type"] = "anthropic",
            ["FlexiAI:Providers:1:Model"] = "claude-sonnet-4-5",
            ["FlexiAI:Providers:1:Config:MaxTokens"] = "2048",
            ["FlexiAI:Streaming:MidStreamPolicy"] = "Continue",
            ["FlexiAI:Streaming:FirstTokenTimeout"] = "00:00:05",
            ["FlexiAI:ErrorPolicies:RateLimited:Failover"] = "false",
            ["FlexiAI:Logging:Level"] = "Warning",
            ["FlexiAI:RequestTimeout"] = "infinite",
        }).Build();

        var options = FlexiAIConfiguration.FromConfiguration(configuration.GetSection("FlexiAI"));

        Assert.Empty(FlexiAIConfiguration.Validate(options));
        Assert.Equal("openai", options.Providers[0].Type);
        Assert.Equal(new Uri("http://127.0.0.1:5000/v1"), options.Providers[0].BaseUrl);
        Assert.Equal("2048", options.Providers[1].Settings["MaxTokens"]);
        Assert.Equal(MidStreamPolicy.Continue, options.Streaming.MidStreamPolicy);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Streaming.FirstTokenTimeout);
        Assert.Equal(new ErrorPolicy(Retry: true, Failover: false, CountsTowardBreaker: true), options.GetErrorPolicy(ErrorCategory.RateLimited));
        Assert.Equal(LogLevel.Warning, options.Logging.Level);
        Assert.Equal(Timeout.InfiniteTimeSpan, options.RequestTimeout);
    }

    [Theory]
    [InlineData("30", 30_000)]
    [InlineData("0.25", 250)]
    [InlineData("\"500ms\"", 500)]
    [InlineData("\"2m\"", 120_000)]
    [InlineData("\"00:00:07\"", 7_000)]
    public void Durations_accept_seconds_units_and_time_spans(string value, int expectedMs)
    {
        var options = Load($$"""{ "attempt_timeout": {{value}} }""");

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), options.AttemptTimeout);
    }

    [Theory]
    [InlineData("fast", 1, 3)]
    [InlineData("balanced", 3, 5)]
    [InlineData("reliable", 4, 5)]
    public void Presets_replace_the_defaults_and_explicit_values_still_win(string preset, int attempts, int threshold)
    {
        var options = Load($$"""{ "preset": "{{preset}}", "circuit_breaker": { "recovery_timeout": 12 } }""");

        Assert.Equal(attempts, options.Retry.MaxAttempts);
        Assert.Equal(threshold, options.CircuitBreaker.FailureThreshold);
        Assert.Equal(TimeSpan.FromSeconds(12), options.CircuitBreaker.RecoveryTimeout);
    }

    [Fact]
    public void Reliable_preset_continues_interrupted_streams_and_waits_for_recovery()
    {
        var options = new FlexiAIOptions().ApplyPreset(ConfigurationPreset.Reliable);

        Assert.Equal(MidStreamPolicy.Continue, options.Streaming.MidStreamPolicy);
        Assert.Equal(TimeSpan.FromSeconds(30), options.WaitForRecovery);
        Assert.Empty(FlexiAIConfiguration.Validate(WithProvider(options)));
    }

    [Fact]
    public void Provider_environment_variables_fill_missing_keys_only()
    {
        var options = new FlexiAIOptions();
        options.Providers.Add(new ProviderOptions { Name = "openai", Model = "gpt-4.1-mini" });
        options.Providers.Add(new ProviderOptions { Name = "claude", Type = "anthropic", Model = "claude-sonnet-4-5", ApiKey = "sk-ant-explicit-key" });
        options.Providers.Add(new ProviderOptions { Name = "vertexai", Model = "gemini-2.0-flash" });
        var env = new Dictionary<string, string?>
        {
            ["OPENAI_API_KEY"] = "sk-env-openai",
            ["ANTHROPIC_API_KEY"] = "sk-ant-env",
            ["GOOGLE_CLOUD_PROJECT"] = "my-project",
            ["GOOGLE_APPLICATION_CREDENTIALS"] = "/keys/sa.json",
        };

        FlexiAIConfiguration.ApplyProviderEnvironment(options, name => env.GetValueOrDefault(name));

        Assert.Equal("sk-env-openai", options.Providers[0].ApiKey);
        Assert.Equal("sk-ant-explicit-key", options.Providers[1].ApiKey);
        Assert.Equal("my-project", options.Providers[2].Settings["project"]);
        Assert.Equal("/keys/sa.json", options.Providers[2].Settings["credentials_file"]);
    }

    [Fact]
    public void Export_masks_keys_and_loads_back_to_the_same_settings()
    {
        var options = Load("""
            {
              "providers": [
                { "name": "openai", "priority": 2, "model": "gpt-4.1-mini", "api_key": "sk-proj-abcdefghijklmnopqrstuvwxyz123456", "base_url": "http://localhost:8080/v1", "config": { "timeout": 30, "organization": "org-1", "client_secret": "very-secret-value" } },
                { "name": "backup", "type": "anthropic", "priority": 1, "model": "claude-sonnet-4-5", "enabled": false }
              ],
              "retry": { "max_attempts": 4, "jitter": false },
              "error_policies": { "rate_limited": { "retry": false } },
              "streaming": { "mid_stream_policy": "continue", "idle_timeout": "infinite" },
              "logging": { "level": "DEBUG" }
            }
            """);

        var json = FlexiAIConfiguration.ToJson(options);

        Assert.DoesNotContain("abcdefghijklmnopqrstuvwxyz", json, StringComparison.Ordinal);
        Assert.DoesNotContain("very-secret-value", json, StringComparison.Ordinal);
        Assert.Contains("***3456", json, StringComparison.Ordinal);
        Assert.Equal(json, options.ToString());
        var reloaded = Load(json);
        // The masked key cannot come back; everything else does.
        static string WithoutKeys(string text) => System.Text.RegularExpressions.Regex.Replace(text, "\"api_key\": \"[^\"]*\"", "\"api_key\": \"-\"");
        Assert.Equal(WithoutKeys(json), WithoutKeys(FlexiAIConfiguration.ToJson(reloaded)));
        Assert.Equal("org-1", reloaded.Providers[0].Settings["organization"]);
        Assert.False(reloaded.Providers[1].Enabled);
        Assert.False(reloaded.GetErrorPolicy(ErrorCategory.RateLimited).Retry);
        Assert.Equal(Timeout.InfiniteTimeSpan, reloaded.Streaming.IdleTimeout);
        Assert.Equal(LogLevel.Debug, reloaded.Logging.Level);
    }

    [Fact]
    public async Task AddFlexiAI_registers_the_client_and_IChatClient_from_a_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FlexiAI:providers:0:name"] = "fake",
            ["FlexiAI:providers:0:type"] = "fake",
            ["FlexiAI:providers:0:model"] = "fake-model",
            ["FlexiAI:retry:max_attempts"] = "1",
        }).Build();
        var fake = new FakeChatClient("fake").ThenAnswer("from DI");
        var services = new ServiceCollection();
        services.AddSingleton<ProviderFactory>(new FixedProviderFactory("fake", fake));
        services.AddFlexiAI(configuration.GetSection("FlexiAI"));

        await using var provider = services.BuildServiceProvider();
        var chat = provider.GetRequiredService<IChatClient>();

        Assert.Same(provider.GetRequiredService<FlexiAIClient>(), chat);
        var response = await chat.Ask();
        Assert.Equal("from DI", response.Text);
        Assert.Equal("fake", response.GetRoute().Provider);
    }

    [Fact]
    public void AddFlexiAI_surfaces_configuration_errors_when_resolved()
    {
        var services = new ServiceCollection();
        services.AddFlexiAI(o => o.Providers.Add(new ProviderOptions { Name = "openai" }));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<ConfigurationException>(() => provider.GetRequiredService<IChatClient>());

        Assert.Contains(error.Errors, e => e.Path == "providers[0].model");
    }

    private static FlexiAIOptions WithProvider(FlexiAIOptions options)
    {
        options.Providers.Add(new ProviderOptions { Name = "openai", Model = "gpt-4.1-mini" });
        return options;
    }

    private sealed class FixedProviderFactory(string type, IChatClient client) : ProviderFactory
    {
        public override string Type => type;

        public override IChatClient CreateClient(ProviderOptions provider, ProviderFactoryContext context) => client;
    }
}
