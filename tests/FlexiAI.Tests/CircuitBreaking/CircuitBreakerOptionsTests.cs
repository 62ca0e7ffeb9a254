using System.Text;

namespace FlexiAI.Tests.CircuitBreaking;

public class CircuitBreakerOptionsTests
{
    private const string Provider = """{ "name": "openai", "model": "gpt-4.1-mini", "api_key": "sk-test" }""";

    private static FlexiAIOptions Load(string breaker, params KeyValuePair<string, string?>[] environment) =>
        FlexiAIConfiguration.LoadJson(new MemoryStream(Encoding.UTF8.GetBytes($$"""{ "providers": [{{Provider}}], "circuit_breaker": {{breaker}} }""")), environment, null);

    [Fact]
    public void StoreSettings_HaveShortDefaults()
    {
        var options = new CircuitBreakerOptions();
        Assert.Equal(TimeSpan.FromSeconds(1), options.StoreTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), options.StoreRefreshInterval);
    }

    [Fact]
    public void StoreSettings_BindFromJsonAndEnvironment_AndSurviveCloneAndExport()
    {
        var options = Load("""{ "store_timeout": 0.25, "store_refresh_interval": 0.5 }""",
            new KeyValuePair<string, string?>("FLEXIAI_CIRCUIT_BREAKER__STORE_REFRESH_INTERVAL", "0.1"));
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.CircuitBreaker.StoreTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.CircuitBreaker.StoreRefreshInterval);

        var clone = options.Clone();
        Assert.Equal(TimeSpan.FromMilliseconds(250), clone.CircuitBreaker.StoreTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(100), clone.CircuitBreaker.StoreRefreshInterval);

        var json = FlexiAIConfiguration.ToJson(options);
        Assert.Contains("\"store_timeout\": 0.25", json, StringComparison.Ordinal);
        Assert.Contains("\"store_refresh_interval\": 0.1", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("store_timeout", "0")]
    [InlineData("store_timeout", "7200")]
    [InlineData("store_refresh_interval", "0")]
    [InlineData("store_refresh_interval", "7200")]
    public void StoreSettings_OutOfRange_AreRejectedWithPathAndRange(string key, string value)
    {
        var problems = FlexiAIConfiguration.Validate(Load($$"""{ "{{key}}": {{value}} }"""));
        var problem = Assert.Single(problems);
        Assert.Equal($"circuit_breaker.{key}", problem.Path);
        Assert.Contains("between 0.001 and 3600 seconds", problem.Message, StringComparison.Ordinal);
    }
}
