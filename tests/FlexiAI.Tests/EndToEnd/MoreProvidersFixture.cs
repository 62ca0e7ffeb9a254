using FlexiAI.Emulator;

namespace FlexiAI.Tests.EndToEnd;

/// <summary>
/// An emulator with an instance for each added provider type (Azure OpenAI, an OpenAI-compatible server with and without quirks,
/// Ollama, the Gemini API) and OpenAI, and FlexiAI options that route to them.
/// </summary>
public sealed class MoreProvidersFixture : IAsyncLifetime
{
    public const string Key = "emulator-key-0123456789";
    public const string Deployment = "gpt-5.4-mini";

    /// <summary>Configurations under test: the provider type, with the classic Azure API as a variant.</summary>
    public static readonly string[] Kinds = ["azure_openai", "azure_classic", "openai_compatible", "ollama", "gemini"];

    public EmulatorHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var options = new EmulatorOptions();
        options.Instances.Add(new EmulatedInstanceOptions("openai", EmulatedProviderKind.OpenAI) { ApiKey = Key });
        var azure = new EmulatedInstanceOptions("azure", EmulatedProviderKind.AzureOpenAI) { ApiKey = Key };
        azure.Models.Add(Deployment);
        options.Instances.Add(azure);
        var entra = new EmulatedInstanceOptions("azure-entra", EmulatedProviderKind.AzureOpenAI) { ApiKey = Key };
        entra.Models.Add(Deployment);
        options.Instances.Add(entra);
        options.Instances.Add(new EmulatedInstanceOptions("compatible", EmulatedProviderKind.OpenAICompatible));
        options.Instances.Add(new EmulatedInstanceOptions("quirky", EmulatedProviderKind.OpenAICompatible)
        {
            ApiKey = Key,
            Quirks = OpenAICompatibleQuirks.NoStreamUsage | OpenAICompatibleQuirks.SeparateFinishChunk | OpenAICompatibleQuirks.RejectStreamOptions,
        });
        var ollama = new EmulatedInstanceOptions("ollama", EmulatedProviderKind.Ollama);
        ollama.Models.Add("gemma3");
        options.Instances.Add(ollama);
        options.Instances.Add(new EmulatedInstanceOptions("gemini", EmulatedProviderKind.Gemini) { ApiKey = Key });
        Host = await EmulatorHost.StartAsync(options);
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();

    /// <summary>The emulated instance a configuration talks to.</summary>
    public static string Instance(string kind) => kind switch
    {
        "azure_openai" or "azure_classic" => "azure",
        "openai_compatible" => "compatible",
        _ => kind,
    };

    public void Reset()
    {
        foreach (var instance in Host.Instances)
        {
            instance.Faults.Clear();
            instance.Journal.Clear();
        }
    }

    public ProviderOptions Provider(string kind, int priority, string? key = Key)
    {
        var provider = new ProviderOptions { Name = kind, Priority = priority, BaseUrl = Host[Instance(kind)].BaseUrl };
        switch (kind)
        {
            case "openai":
                (provider.Type, provider.Model, provider.ApiKey) = (ProviderTypes.OpenAI, "gpt-5.4-mini", key);
                break;
            case "azure_openai":
                (provider.Type, provider.Model, provider.ApiKey) = (ProviderTypes.AzureOpenAI, Deployment, key);
                break;
            case "azure_classic":
                (provider.Type, provider.Model, provider.ApiKey) = (ProviderTypes.AzureOpenAI, Deployment, key);
                provider.Settings["api_version"] = "2024-10-21";
                break;
            case "openai_compatible":
                (provider.Type, provider.Model) = (ProviderTypes.OpenAICompatible, "served-model");
                provider.Settings["headers:X-Team"] = "search";
                break;
            case "ollama":
                (provider.Type, provider.Model) = (ProviderTypes.Ollama, "gemma3");
                break;
            case "gemini":
                (provider.Type, provider.Model, provider.ApiKey) = (ProviderTypes.Gemini, GeminiModels.Example, key);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }

        return provider;
    }

    public FlexiAIOptions Options(params string[] order)
    {
        Reset();
        var options = new FlexiAIOptions();
        options.Retry.MaxAttempts = 1;
        options.Retry.InitialDelay = TimeSpan.Zero;
        options.Retry.UseJitter = false;
        for (var i = 0; i < order.Length; i++)
        {
            options.Providers.Add(Provider(order[i], i + 1));
        }

        return options;
    }

    public static FlexiAIClient Client(FlexiAIOptions options, TimeProvider? time = null, params ProviderFactory[] factories)
    {
        var clientOptions = new FlexiAIClientOptions { TimeProvider = time ?? TimeProvider.System, EnvironmentVariables = _ => null };
        foreach (var factory in factories)
        {
            clientOptions.ProviderFactories.Add(factory);
        }

        return new FlexiAIClient(options, clientOptions);
    }
}
