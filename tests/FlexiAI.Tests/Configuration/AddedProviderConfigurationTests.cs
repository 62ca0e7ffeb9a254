using System.Text;
using FlexiAI.Tests.EndToEnd;
using Microsoft.Extensions.AI;

namespace FlexiAI.Tests.Configuration;

/// <summary>The added provider types from a configuration file and from their vendors' environment variables, end to end to the emulator.</summary>
public sealed class AddedProviderConfigurationTests(MoreProvidersFixture fixture) : IClassFixture<MoreProvidersFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static MemoryStream Json(string text) => new(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task A_file_configures_every_added_type_with_its_keys_and_they_answer_in_priority_order()
    {
        fixture.Reset();
        var host = fixture.Host;
        var json = $$"""
        {
          "retry": { "max_attempts": 1 },
          "providers": [
            { "name": "azure", "type": "azure_openai", "priority": 1, "model": "{{MoreProvidersFixture.Deployment}}", "api_key": "{{MoreProvidersFixture.Key}}",
              "endpoint": "{{host["azure"].BaseUrl}}", "config": { "api_version": "2024-10-21" } },
            { "name": "local", "type": "openai_compatible", "priority": 2, "model": "served-model", "base_url": "{{host["compatible"].BaseUrl}}",
              "config": { "headers": { "X-Team": "search" }, "capabilities": { "tools": true, "json_schema": false, "stream_usage": false, "images": false } } },
            { "name": "ollama", "type": "ollama", "priority": 3, "model": "gemma3", "base_url": "{{host["ollama"].BaseUrl}}" },
            { "name": "gemini", "type": "gemini", "priority": 4, "model": "gemini-3.5-flash", "api_key": "{{MoreProvidersFixture.Key}}", "base_url": "{{host["gemini"].BaseUrl}}" }
          ]
        }
        """;
        using var client = FlexiAIClient.FromJson(Json(json), new FlexiAIClientOptions { EnvironmentVariables = _ => null });
        host["azure"].Faults.FailAlways(Fault503());
        host["compatible"].Faults.FailAlways(Fault503());
        host["ollama"].Faults.FailAlways(Fault503());

        var response = await client.GetResponseAsync("Hi", cancellationToken: Token);

        Assert.Equal("gemini", response.GetRoute().Provider);
        Assert.Equal(["azure", "local", "ollama", "gemini"], response.GetRoute().Attempts.Select(a => a.Provider));
        Assert.Equal("?api-version=2024-10-21", host["azure"].Journal.Last!.Query);
        Assert.Equal("search", host["compatible"].Journal.Last!.Headers["X-Team"]);
        Assert.False(host["compatible"].Journal.Last!.Json()!.AsObject().ContainsKey("stream_options"));
        // 'local' declares no JSON schema: capability-aware routing skips it (not counted, not retried) and a provider that takes it answers.
        var calls = host["compatible"].Journal.Count;
        var routed = await client.GetResponseAsync(
            "Hi", new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(System.Text.Json.JsonDocument.Parse("""{"type":"object"}""").RootElement, "x") }, Token);
        var skipped = routed.GetRoute().Attempts.Single(a => a.Provider == "local");
        Assert.Equal(AttemptOutcome.Skipped, skipped.Outcome);
        Assert.StartsWith("unsupported content", skipped.SkipReason, StringComparison.Ordinal);
        Assert.Equal(calls, host["compatible"].Journal.Count);
    }

    private static FlexiAI.Emulator.Fault Fault503() => FlexiAI.Emulator.Fault.Status(503);

    [Fact]
    public async Task Vendor_environment_variables_fill_endpoint_key_and_host()
    {
        fixture.Reset();
        var host = fixture.Host;
        var variables = new Dictionary<string, string?>
        {
            ["AZURE_OPENAI_ENDPOINT"] = host["azure"].BaseUrl.AbsoluteUri,
            ["AZURE_OPENAI_API_KEY"] = MoreProvidersFixture.Key,
            ["OLLAMA_HOST"] = host["ollama"].BaseUrl.AbsoluteUri,
            ["GEMINI_API_KEY"] = MoreProvidersFixture.Key,
        };
        var json = $$"""
        {
          "retry": { "max_attempts": 1 },
          "providers": [
            { "name": "azure_openai", "priority": 1, "model": "{{MoreProvidersFixture.Deployment}}" },
            { "name": "ollama", "priority": 2, "model": "gemma3" },
            { "name": "gemini", "priority": 3, "model": "gemini-3.5-flash", "base_url": "{{host["gemini"].BaseUrl}}" }
          ]
        }
        """;
        using var client = FlexiAIClient.FromJson(Json(json), new FlexiAIClientOptions { EnvironmentVariables = name => variables.GetValueOrDefault(name) });

        Assert.Equal("azure_openai", (await client.GetResponseAsync("Hi", cancellationToken: Token)).GetRoute().Provider);
        host["azure"].Faults.FailAlways(Fault503());
        Assert.Equal("ollama", (await client.GetResponseAsync("Hi", cancellationToken: Token)).GetRoute().Provider);
        host["ollama"].Faults.FailAlways(Fault503());
        Assert.Equal("gemini", (await client.GetResponseAsync("Hi", cancellationToken: Token)).GetRoute().Provider);
        Assert.Equal("***", host["azure"].Journal.Entries[0].Headers["api-key"]);
    }

    [Theory]
    [InlineData("azure_openai", "AZURE_OPENAI_ENDPOINT")]
    [InlineData("gemini", "GEMINI_API_KEY")]
    public void Missing_endpoint_or_key_is_a_configuration_error_naming_the_variable(string type, string variable)
    {
        var json = $$"""{ "providers": [ { "name": "p", "type": "{{type}}", "model": "m" } ] }""";

        var error = Assert.Throws<ConfigurationException>(() => FlexiAIClient.FromJson(Json(json), new FlexiAIClientOptions { EnvironmentVariables = _ => null }));

        Assert.Contains(variable, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_added_types_are_valid_types_and_a_typo_suggests_one()
    {
        var options = new FlexiAIOptions();
        options.Providers.Add(new ProviderOptions { Name = "a", Type = "azure_open_ai", Model = "m" });

        var error = Assert.Single(FlexiAIConfiguration.Validate(options));

        Assert.Contains("azure_openai, openai_compatible, ollama, gemini", error.Message, StringComparison.Ordinal);
        Assert.Contains("azure_openai", error.Message[error.Message.IndexOf("Did you mean", StringComparison.OrdinalIgnoreCase)..], StringComparison.Ordinal);
        foreach (var type in new[] { "azure_openai", "openai_compatible", "ollama", "gemini" })
        {
            var valid = new FlexiAIOptions();
            valid.Providers.Add(new ProviderOptions { Name = "p", Type = type, Model = "m" });
            Assert.Empty(FlexiAIConfiguration.Validate(valid));
        }
    }

    [Fact]
    public void Factories_describe_themselves_for_hints()
    {
        var types = ProviderFactory.BuiltIn.Select(f => f.Type).ToList();
        Assert.Equal(["openai", "vertexai", "anthropic", "azure_openai", "gemini", "ollama", "openai_compatible"], types);
        Assert.Equal("gemma3", BuiltInProviderFactories.Find("ollama")!.ExampleModel);
        Assert.StartsWith("GEMINI_API_KEY=", BuiltInProviderFactories.Find("gemini")!.EnvironmentHint, StringComparison.Ordinal);
        Assert.True(BuiltInProviderFactories.Find("ollama")!.IsConfiguredByEnvironment(n => n == "OLLAMA_HOST" ? "localhost" : null));
        Assert.False(BuiltInProviderFactories.Find("azure_openai")!.IsConfiguredByEnvironment(_ => null));
    }

    [Theory]
    [InlineData("auth", "certificate", "'certificate' is not a credential kind")]
    [InlineData("client_secret", "s3cret-value-000000000000", "needs the app's tenant_id and client_id")]
    public void Azure_entra_settings_that_cannot_make_a_credential_are_configuration_errors(string key, string value, string expected)
    {
        var options = new FlexiAIOptions();
        options.Providers.Add(new ProviderOptions { Name = "azure", Type = "azure_openai", Model = "d", BaseUrl = new Uri("https://r.openai.azure.com"), Settings = { [key] = value } });

        var error = Assert.Throws<ConfigurationException>(() => new FlexiAIClient(options, new FlexiAIClientOptions { EnvironmentVariables = _ => null }));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-value-000000000000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Azure_without_a_key_builds_an_entra_id_client_without_any_io_and_export_masks_the_client_secret()
    {
        var options = new FlexiAIOptions();
        options.Providers.Add(new ProviderOptions { Name = "default", Type = "azure_openai", Model = "d", BaseUrl = new Uri("https://r.openai.azure.com") });
        options.Providers.Add(new ProviderOptions
        {
            Name = "app",
            Type = "azure_openai",
            Model = "d",
            BaseUrl = new Uri("https://r.openai.azure.com"),
            Settings = { ["tenant_id"] = "tenant", ["client_id"] = "client", ["client_secret"] = "s3cret-value-000000000000" },
        });
        options.Providers.Add(new ProviderOptions { Name = "mi", Type = "azure_openai", Model = "d", BaseUrl = new Uri("https://r.openai.azure.com"), Settings = { ["auth"] = "managed_identity" } });

        using var client = new FlexiAIClient(options, new FlexiAIClientOptions { EnvironmentVariables = _ => null });

        Assert.Equal(3, client.GetProviderStatus().Count);
        Assert.DoesNotContain("s3cret-value-000000000000", FlexiAIConfiguration.ToJson(options), StringComparison.Ordinal);
    }
}
