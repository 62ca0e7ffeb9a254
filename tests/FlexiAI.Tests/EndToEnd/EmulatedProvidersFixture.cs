using FlexiAI.Emulator;

namespace FlexiAI.Tests.EndToEnd;

/// <summary>An emulator with the three providers, and FlexiAI options that route to it in any order.</summary>
public sealed class EmulatedProvidersFixture : IAsyncLifetime
{
    public const string Key = "emulator-key-0123456789";
    public static readonly string[] Kinds = ["openai", "vertexai", "anthropic"];

    public EmulatorHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var options = EmulatorOptions.Standard();
        foreach (var instance in options.Instances)
        {
            instance.ApiKey = Key;
        }

        Host = await EmulatorHost.StartAsync(options);
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();

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
        var provider = new ProviderOptions
        {
            Name = kind,
            Type = kind,
            Priority = priority,
            Model = kind switch { "openai" => "gpt-5.4-mini", "anthropic" => "claude-sonnet-5-5", _ => "gemini-3.5-flash" },
            ApiKey = kind == "vertexai" ? null : key,
            BaseUrl = Host[kind].BaseUrl,
        };
        if (kind == "vertexai")
        {
            provider.Settings["project"] = "flexiai-tests";
            provider.Settings["location"] = "us-central1";
            provider.Settings["access_token"] = key;
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

    public static FlexiAIClient Client(FlexiAIOptions options, TimeProvider? time = null) =>
        new(options, new FlexiAIClientOptions { TimeProvider = time ?? TimeProvider.System, EnvironmentVariables = _ => null });
}
