using System.Text;

namespace FlexiAI.Tests.Load;

/// <summary>Issue 14's keys: binding, validation with exact paths, presets.</summary>
public sealed class LoadConfigurationTests
{
    private static FlexiAIOptions Load(string json) =>
        FlexiAIConfiguration.LoadJson(new MemoryStream(Encoding.UTF8.GetBytes(json)), [], null);

    private const string Provider = """{ "name": "openai", "model": "gpt-4.1-mini", "api_key": "sk-test-0123456789" }""";

    [Fact]
    public void Keys_Bind()
    {
        var options = Load($$"""
            {
              "providers": [ {{Provider}} ],
              "circuit_breaker": { "mode": "ratio", "failure_ratio": 0.4, "minimum_throughput": 50, "sampling_duration": "10s",
                                   "count_per_request": true, "all_open": "panic", "max_open_fraction": 0.5 },
              "retry": { "strategy": "failover_first" }
            }
            """);

        var breaker = options.CircuitBreaker;
        Assert.Equal(CircuitBreakerMode.Ratio, breaker.Mode);
        Assert.Equal(0.4, breaker.FailureRatio);
        Assert.Equal(50, breaker.MinimumThroughput);
        Assert.Equal(TimeSpan.FromSeconds(10), breaker.SamplingDuration);
        Assert.True(breaker.CountPerRequest);
        Assert.Equal(AllOpenPolicy.Panic, breaker.AllOpen);
        Assert.Equal(0.5, breaker.MaxOpenFraction);
        Assert.Equal(RetryStrategy.FailoverFirst, options.Retry.Strategy);
    }

    [Fact]
    public void BadValues_AreReportedWithTheirPaths()
    {
        var problems = FlexiAIConfiguration.Validate(Load($$"""
            {
              "providers": [ {{Provider}} ],
              "circuit_breaker": { "failure_ratio": 1.5, "minimum_throughput": 0, "sampling_duration": "1ms", "max_open_fraction": 0 }
            }
            """));

        Assert.Equal(
            ["circuit_breaker.failure_ratio", "circuit_breaker.minimum_throughput", "circuit_breaker.sampling_duration", "circuit_breaker.max_open_fraction"],
            problems.Select(p => p.Path));
    }

    [Fact]
    public void UnknownEnumValues_AreBindingErrorsThatSayWhatToWrite()
    {
        var error = Assert.Throws<ConfigurationException>(() => Load($$"""
            { "providers": [ {{Provider}} ], "circuit_breaker": { "mode": "ration", "all_open": "wait" }, "retry": { "strategy": "failover" } }
            """));

        var byPath = error.Errors.ToDictionary(e => e.Path, e => e.Message);
        Assert.Contains("consecutive or ratio", byPath["circuit_breaker.mode"], StringComparison.Ordinal);
        Assert.Contains("fail or panic", byPath["circuit_breaker.all_open"], StringComparison.Ordinal);
        Assert.Contains("in_place or failover_first", byPath["retry.strategy"], StringComparison.Ordinal);
    }

    [Fact]
    public void Presets_ReliableAndBalanced_UseRatioAndFailoverFirst()
    {
        var reliable = new FlexiAIOptions();
        ConfigurationPresets.Apply(reliable, ConfigurationPreset.Reliable);
        var balanced = new FlexiAIOptions();
        ConfigurationPresets.Apply(balanced, ConfigurationPreset.Balanced);

        Assert.Equal((CircuitBreakerMode.Ratio, RetryStrategy.FailoverFirst, true, AllOpenPolicy.Panic),
            (reliable.CircuitBreaker.Mode, reliable.Retry.Strategy, reliable.CircuitBreaker.CountPerRequest, reliable.CircuitBreaker.AllOpen));
        Assert.Equal((CircuitBreakerMode.Ratio, RetryStrategy.FailoverFirst, false, AllOpenPolicy.Fail),
            (balanced.CircuitBreaker.Mode, balanced.Retry.Strategy, balanced.CircuitBreaker.CountPerRequest, balanced.CircuitBreaker.AllOpen));
    }

    [Theory]
    [InlineData("retry", "[1, 2]")]
    [InlineData("circuit_breaker", "[{ \"failure_threshold\": 3 }]")]
    public void ListWhereASectionBelongs_IsOneErrorAtTheSection(string key, string list)
    {
        var error = Assert.Throws<ConfigurationException>(() => Load($$"""{ "providers": [ {{Provider}} ], "{{key}}": {{list}} }"""));

        var only = Assert.Single(error.Errors);
        Assert.Equal(key, only.Path);
        Assert.Contains("found a list", only.Message, StringComparison.Ordinal);
    }
}
