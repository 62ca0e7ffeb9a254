using System.Text;

namespace FlexiAI.Gateway.Tests;

/// <summary>The <c>gateway</c> section: read by the gateway, accepted (and otherwise ignored) by the library's configuration.</summary>
public sealed class ConfigurationTests
{
    private const string Json = """
        {
          "providers": [ { "name": "openai", "priority": 1, "model": "gpt-4.1-mini", "api_key": "sk-x" },
                         { "name": "anthropic", "priority": 2, "model": "claude-sonnet-4-5", "api_key": "sk-y" } ],
          "gateway": {
            "keys": [ { "key": "env:GW_KEY", "tag": "team-a", "routes": ["cheap"], "requests_per_minute": 60 },
                      { "sha256": "4b227777d4dd1fc61c6f884f48641d02b4d121d3fd328cb08b5531fcacdabf8a", "admin": true } ],
            "routes": { "cheap": ["anthropic"] },
            "max_request_body_bytes": 1048576,
            "request_timeout": "2m",
            "shutdown_timeout": 15
          }
        }
        """;

    [Fact]
    public void The_library_accepts_a_configuration_with_a_gateway_section()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(Json));

        var options = FlexiAIConfiguration.LoadJson(stream);

        Assert.Equal(2, options.Providers.Count);
    }

    [Fact]
    public void The_gateway_section_binds()
    {
        var path = Path.Combine(Path.GetTempPath(), $"flexiai-gateway-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, Json);
        try
        {
            var options = GatewayConfiguration.Load(path, [new("FLEXIAI_GATEWAY__PROTECT_METRICS", "true")]);

            Assert.Equal(2, options.Keys.Count);
            Assert.Equal("env:GW_KEY", options.Keys[0].Key);
            Assert.Equal("team-a", options.Keys[0].Tag);
            Assert.Equal(["cheap"], options.Keys[0].Routes);
            Assert.Equal(60, options.Keys[0].RequestsPerMinute);
            Assert.True(options.Keys[1].Admin);
            Assert.Equal(["anthropic"], options.Routes["cheap"]);
            Assert.Equal(1048576, options.MaxRequestBodyBytes);
            Assert.Equal(TimeSpan.FromMinutes(2), options.RequestTimeout);
            Assert.Equal(TimeSpan.FromSeconds(15), options.ShutdownTimeout);
            Assert.True(options.ProtectMetrics);

            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(Json));
            using var gateway = new FlexiAIGateway(FlexiAIConfiguration.LoadJson(stream), options, new FlexiAIClientOptions { EnvironmentVariables = name => name == "GW_KEY" ? "a-long-team-key" : null });
            Assert.NotNull(gateway.Keys.FromAuthorizationHeader("Bearer a-long-team-key"));
            Assert.Null(gateway.Keys.FromAuthorizationHeader("Bearer another-long-key"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("""{ "gateway": { "keyz": [] } }""", "gateway.keyz")]
    [InlineData("""{ "gateway": { "keys": [ { "tag": "x" } ] } }""", "gateway.keys[0]")]
    [InlineData("""{ "gateway": { "keys": [ { "key": "abcdefghij", "rpm": 5 } ] } }""", "gateway.keys[0].rpm")]
    [InlineData("""{ "gateway": { "keys": [ { "sha256": "abc" } ] } }""", "gateway.keys[0].sha256")]
    [InlineData("""{ "gateway": { "request_timeout": "soon" } }""", "gateway.request_timeout")]
    public void Bad_gateway_settings_name_the_setting(string json, string path)
    {
        var file = Path.Combine(Path.GetTempPath(), $"flexiai-gateway-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, json);
        try
        {
            var error = Assert.Throws<ConfigurationException>(() => GatewayConfiguration.Load(file, []));
            Assert.Contains(error.Errors, e => e.Path == path);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_gateway_without_keys_or_with_a_route_to_an_unknown_provider_is_refused()
    {
        var options = new FlexiAIOptions();
        options.Providers.Add(new ProviderOptions { Name = "openai", Type = "openai", Model = "gpt-4.1-mini", ApiKey = "sk-x" });

        Assert.Contains(Assert.Throws<ConfigurationException>(() => new FlexiAIGateway(options, new GatewayOptions())).Errors, e => e.Path == "gateway.keys");
        var gateway = new GatewayOptions();
        gateway.Keys.Add(new GatewayKeyOptions { Key = "a-long-gateway-key" });
        gateway.Routes["fast"] = ["groq"];
        Assert.Contains(Assert.Throws<ConfigurationException>(() => new FlexiAIGateway(options, gateway)).Errors, e => e.Path == "gateway.routes.fast");
    }
}
