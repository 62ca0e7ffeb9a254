using System.Text;
using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace FlexiAI.Tests.Load;

/// <summary>Per-provider circuit-breaker overrides: a provider's <c>circuit_breaker</c> section replaces the client-wide settings field by field.</summary>
public sealed class ProviderBreakerOverrideTests
{
    private static FlexiAIOptions Load(string json) =>
        FlexiAIConfiguration.LoadJson(new MemoryStream(Encoding.UTF8.GetBytes(json)), [], null);

    [Fact]
    public void ProviderSection_Binds_OnlyTheFieldsItSets()
    {
        var options = Load("""
            {
              "providers": [
                { "name": "openai", "model": "gpt-4.1-mini", "api_key": "sk-test-0123456789",
                  "circuit_breaker": { "mode": "ratio", "failure_ratio": 0.25, "minimum_throughput": 40, "sampling_duration": "10s",
                                       "recovery_timeout": "5s", "count_per_request": true } },
                { "name": "anthropic", "model": "claude-sonnet-4-5", "api_key": "sk-ant-0123456789",
                  "circuit_breaker": { "failure_threshold": 2 } },
                { "name": "backup", "type": "openai", "model": "gpt-4.1-mini", "api_key": "sk-test-0123456789" }
              ],
              "circuit_breaker": { "failure_threshold": 7, "recovery_timeout": 20 }
            }
            """);

        var openai = options.Providers[0].CircuitBreaker!;
        Assert.Equal((CircuitBreakerMode.Ratio, 0.25, 40, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), true),
            (openai.Mode, openai.FailureRatio, openai.MinimumThroughput, openai.SamplingDuration, openai.RecoveryTimeout, openai.CountPerRequest));
        Assert.Null(openai.FailureThreshold);

        var anthropic = options.Providers[1].CircuitBreaker!.ApplyTo(options.CircuitBreaker);
        Assert.Equal((CircuitBreakerMode.Consecutive, 2, TimeSpan.FromSeconds(20)), (anthropic.Mode, anthropic.FailureThreshold, anthropic.RecoveryTimeout));
        Assert.Null(options.Providers[2].CircuitBreaker);
    }

    [Fact]
    public void ProviderSection_BadValues_AreReportedAtTheProvidersPath()
    {
        var problems = FlexiAIConfiguration.Validate(Load("""
            {
              "providers": [
                { "name": "openai", "model": "gpt-4.1-mini", "api_key": "sk-test-0123456789" },
                { "name": "anthropic", "model": "claude-sonnet-4-5", "api_key": "sk-ant-0123456789",
                  "circuit_breaker": { "failure_threshold": 0, "recovery_timeout": 0, "failure_ratio": 2, "minimum_throughput": -1, "sampling_duration": "1ms" } }
              ]
            }
            """));

        Assert.Equal(
            ["providers[1].circuit_breaker.failure_threshold", "providers[1].circuit_breaker.recovery_timeout", "providers[1].circuit_breaker.failure_ratio",
             "providers[1].circuit_breaker.minimum_throughput", "providers[1].circuit_breaker.sampling_duration"],
            problems.Select(p => p.Path));
    }

    [Fact]
    public void ProviderSection_ClientWideOrUnknownKeys_AreBindingErrorsThatSayWhere()
    {
        var error = Assert.Throws<ConfigurationException>(() => Load("""
            {
              "providers": [
                { "name": "openai", "model": "gpt-4.1-mini", "api_key": "sk-test-0123456789",
                  "circuit_breaker": { "all_open": "panic", "failure_treshold": 3, "mode": "ration" } }
              ]
            }
            """));

        var byPath = error.Errors.ToDictionary(e => e.Path, e => e.Message);
        Assert.Contains("top-level \"circuit_breaker\"", byPath["providers[0].circuit_breaker.all_open"], StringComparison.Ordinal);
        Assert.Contains("failure_threshold", byPath["providers[0].circuit_breaker.failure_treshold"], StringComparison.Ordinal);
        Assert.Contains("consecutive or ratio", byPath["providers[0].circuit_breaker.mode"], StringComparison.Ordinal);
        Assert.DoesNotContain("sk-test", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Export_WritesTheOverrides_AndLoadsBackTheSame()
    {
        var options = TestClients.Options(FakeChatClient.Answering("a"));
        options.Providers[0].CircuitBreaker = new ProviderCircuitBreakerOptions { Mode = CircuitBreakerMode.Ratio, MinimumThroughput = 8, RecoveryTimeout = TimeSpan.FromSeconds(3) };
        options.Providers[0].Type = "openai";

        var reloaded = Load(FlexiAIConfiguration.ToJson(options)).Providers[0].CircuitBreaker!;

        Assert.Equal((CircuitBreakerMode.Ratio, 8, TimeSpan.FromSeconds(3)), (reloaded.Mode, reloaded.MinimumThroughput, reloaded.RecoveryTimeout));
        Assert.Null(reloaded.FailureThreshold);
    }

    [Fact]
    public async Task Routing_EachBreakerUsesItsProvidersSettings()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var a = FakeChatClient.Failing("a", 503);
        var b = FakeChatClient.Failing("b", 503);
        var c = FakeChatClient.Answering("c");
        var options = TestClients.Options(a, b, c);
        options.CircuitBreaker.FailureThreshold = 3;
        options.CircuitBreaker.RecoveryTimeout = TimeSpan.FromSeconds(60);
        options.Providers[0].CircuitBreaker = new ProviderCircuitBreakerOptions { FailureThreshold = 1, RecoveryTimeout = TimeSpan.FromSeconds(5) };
        using var client = TestClients.Create(options, time);

        await client.Ask(); // a: 1 failure (its threshold: open); b: 1 of 3

        var status = client.GetProviderStatus();
        Assert.Equal((CircuitState.Open, CircuitState.Closed), (status[0].State, status[1].State));
        Assert.Equal(TestClients.Start + TimeSpan.FromSeconds(5), status[0].NextProbeAt);

        await client.Ask();
        await client.Ask(); // b's third failure opens it, with the client-wide recovery timeout
        status = client.GetProviderStatus();
        Assert.Equal(CircuitState.Open, status[1].State);
        Assert.Equal(TestClients.Start + TimeSpan.FromSeconds(60), status[1].NextProbeAt);
        Assert.Equal(1, a.Calls);
    }

    [Fact]
    public async Task Routing_RatioOverrideOnOneProvider_OthersStayConsecutive()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var a = FakeChatClient.Failing("a", 503);
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.CircuitBreaker.FailureThreshold = 1;
        options.Providers[0].CircuitBreaker = new ProviderCircuitBreakerOptions { Mode = CircuitBreakerMode.Ratio, FailureRatio = 0.5, MinimumThroughput = 4 };
        using var client = TestClients.Create(options, time);

        for (var i = 0; i < 3; i++)
        {
            await client.Ask();
        }

        Assert.Equal(CircuitState.Closed, client.GetProviderStatus()[0].State); // 3 calls: below the window's minimum throughput
        await client.Ask();
        Assert.Equal(CircuitState.Open, client.GetProviderStatus()[0].State); // 4 of 4 failed
        Assert.Equal(4, a.Calls);
    }

    [Fact]
    public async Task Routing_CountPerRequestOverride_AppliesToThatProviderOnly()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var a = FakeChatClient.Failing("a", 503);
        var b = FakeChatClient.Failing("b", 503);
        var c = FakeChatClient.Answering("c");
        var options = TestClients.Options(a, b, c);
        options.Retry.MaxAttempts = 2;
        options.CircuitBreaker.FailureThreshold = 2;
        options.Providers[0].CircuitBreaker = new ProviderCircuitBreakerOptions { CountPerRequest = true };
        using var client = TestClients.Create(options, time);

        await client.Ask(); // a: 2 attempts, 1 counted; b: 2 attempts, 2 counted

        var status = client.GetProviderStatus();
        Assert.Equal((CircuitState.Closed, CircuitState.Open), (status[0].State, status[1].State));
    }
}
