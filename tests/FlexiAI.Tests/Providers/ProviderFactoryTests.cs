using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.AI;

namespace FlexiAI.Tests.Providers;

/// <summary>Each provider type's knowledge comes from its factory: environment defaults, example model, model facts, adapter.</summary>
public sealed class ProviderFactoryTests
{
    [Fact]
    public void Every_built_in_factory_names_a_current_example_model_with_known_limits()
    {
        Assert.Equal(
            [ProviderTypes.OpenAI, ProviderTypes.VertexAI, ProviderTypes.Anthropic, ProviderTypes.AzureOpenAI, ProviderTypes.Gemini, ProviderTypes.Ollama, ProviderTypes.OpenAICompatible],
            ProviderFactory.BuiltIn.Select(f => f.Type));

        // Ollama's usable context is the server's num_ctx, so it lists no limits; an OpenAI-compatible server has no example model.
        foreach (var factory in ProviderFactory.BuiltIn.Where(f => f.Type is not (ProviderTypes.Ollama or ProviderTypes.OpenAICompatible)))
        {
            var info = factory.DescribeModel(Assert.IsType<string>(factory.ExampleModel));

            Assert.Null(info.RetiresOn);
            Assert.NotNull(info.ContextWindow);
            Assert.NotNull(info.MaxOutputTokens);
            Assert.False(string.IsNullOrEmpty(factory.EnvironmentHint));
        }
    }

    [Fact]
    public void A_custom_factory_fills_its_providers_from_the_environment()
    {
        var factory = new RecordingFactory();
        var options = new FlexiAIOptions();
        options.Providers.Add(new ProviderOptions { Name = "mine", Type = "myai", Model = "m-1" });
        var clientOptions = new FlexiAIClientOptions { EnvironmentVariables = name => name == "MYAI_KEY" ? "myai-env-key-0123456789" : null };
        clientOptions.ProviderFactories.Add(factory);

        using var client = new FlexiAIClient(options, clientOptions);

        Assert.Equal("myai-env-key-0123456789", factory.KeySeen);
        Assert.NotNull(factory.AdapterCreatedWith);
        Assert.Same(clientOptions.TimeProvider, factory.AdapterCreatedWith.TimeProvider);
    }

    [Fact]
    public void Environment_defaults_never_replace_configured_values_nor_touch_code_clients()
    {
        var options = new FlexiAIOptions();
        options.Providers.Add(new ProviderOptions { Name = "vertexai", Model = "gemini-3.5-flash" });
        options.Providers[0].Settings["location"] = "europe-west4";
        options.Providers.Add(new ProviderOptions { Name = "openai", Model = "gpt-5.4-mini", ChatClient = new FakeChatClient("openai") });
        var env = new Dictionary<string, string?> { ["GOOGLE_CLOUD_PROJECT"] = "env-project", ["GOOGLE_CLOUD_LOCATION"] = "us-east5", ["OPENAI_API_KEY"] = "sk-env-never-used" };

        FlexiAIConfiguration.ApplyProviderEnvironment(options, name => env.GetValueOrDefault(name));

        Assert.Equal(("env-project", "europe-west4"), (options.Providers[0].Settings["project"], options.Providers[0].Settings["location"]));
        Assert.Null(options.Providers[1].ApiKey);
    }

    [Theory]
    [InlineData("OPENAI_API_KEY", ProviderTypes.OpenAI)]
    [InlineData("ANTHROPIC_API_KEY", ProviderTypes.Anthropic)]
    [InlineData("GOOGLE_CLOUD_PROJECT", ProviderTypes.VertexAI)]
    public void The_environment_configures_exactly_the_provider_whose_variable_is_set(string variable, string type)
    {
        var configured = ProviderFactory.BuiltIn.Where(f => f.IsConfiguredByEnvironment(name => name == variable ? "value" : null)).Select(f => f.Type);

        Assert.Equal([type], configured);
    }

    [Fact]
    public void A_missing_model_is_explained_with_the_types_own_example()
    {
        var options = new FlexiAIOptions();
        options.Providers.Add(new ProviderOptions { Name = "claude", Type = "anthropic" });
        options.Providers.Add(new ProviderOptions { Name = "mine", Type = "myai" });

        var problems = FlexiAIConfiguration.Validate(options, ["myai"]);

        Assert.Contains($"e.g. \"{AnthropicModels.Example}\"", problems[0].Message, StringComparison.Ordinal);
        Assert.EndsWith("Set the model it should use.", problems[1].Message, StringComparison.Ordinal);
    }

    private sealed class RecordingFactory : ProviderFactory
    {
        public ProviderAdapter Adapter { get; } = new();

        public string? KeySeen { get; private set; }

        public ProviderFactoryContext? AdapterCreatedWith { get; private set; }

        public override string Type => "myai";

        public override void ApplyEnvironment(ProviderOptions provider, Func<string, string?> environment) => provider.ApiKey ??= environment("MYAI_KEY");

        public override IChatClient CreateClient(ProviderOptions provider, ProviderFactoryContext context)
        {
            KeySeen = provider.ApiKey;
            return new FakeChatClient(provider.Name);
        }

        public override ProviderAdapter CreateAdapter(ProviderOptions provider, ProviderFactoryContext context)
        {
            AdapterCreatedWith = context;
            return Adapter;
        }
    }
}
