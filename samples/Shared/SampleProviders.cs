using FlexiAI;
using FlexiAI.Emulator;

namespace FlexiAI.Samples;

/// <summary>
/// Providers for the samples: the real ones when their keys are set (OPENAI_API_KEY, GOOGLE_CLOUD_PROJECT, ANTHROPIC_API_KEY),
/// otherwise the embedded emulator's three, so every sample runs on a fresh machine with no keys.
/// </summary>
public sealed class SampleProviders : IAsyncDisposable
{
    private SampleProviders(FlexiAIOptions options, EmulatorHost? emulator)
    {
        Options = options;
        Emulator = emulator;
    }

    /// <summary>Gets options with the providers in the plan's order: OpenAI, Vertex AI, Anthropic.</summary>
    public FlexiAIOptions Options { get; }

    /// <summary>Gets the emulator when the samples run on it (no keys), else <see langword="null"/>.</summary>
    public EmulatorHost? Emulator { get; }

    public static async Task<SampleProviders> CreateAsync()
    {
        var options = new FlexiAIOptions();
        var real = new[] { "OPENAI_API_KEY", "GOOGLE_CLOUD_PROJECT", "ANTHROPIC_API_KEY" }.Any(v => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(v)));
        if (real)
        {
            var priority = 1;
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OPENAI_API_KEY")))
            {
                options.Providers.Add(new ProviderOptions { Name = "openai", Priority = priority++, Model = "gpt-5.4-mini" });
            }

            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GOOGLE_CLOUD_PROJECT")))
            {
                options.Providers.Add(new ProviderOptions { Name = "vertexai", Priority = priority++, Model = "gemini-3.5-flash" });
            }

            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ANTHROPIC_API_KEY")))
            {
                options.Providers.Add(new ProviderOptions { Name = "anthropic", Priority = priority, Model = "claude-sonnet-5-5" });
            }

            Console.WriteLine($"Using real providers: {string.Join(", ", options.Providers.Select(p => p.Name))}.");
            return new SampleProviders(options, null);
        }

        var emulator = await EmulatorHost.StartAsync();
        options.Providers.Add(new ProviderOptions { Name = "openai", Priority = 1, Model = "gpt-5.4-mini", ApiKey = "emulator", BaseUrl = emulator["openai"].BaseUrl });
        var vertex = new ProviderOptions { Name = "vertexai", Priority = 2, Model = "gemini-3.5-flash", BaseUrl = emulator["vertexai"].BaseUrl };
        vertex.Settings["project"] = "samples";
        vertex.Settings["access_token"] = "emulator";
        options.Providers.Add(vertex);
        options.Providers.Add(new ProviderOptions { Name = "anthropic", Priority = 3, Model = "claude-sonnet-5-5", ApiKey = "emulator", BaseUrl = emulator["anthropic"].BaseUrl });
        Console.WriteLine("No provider keys found: using the embedded emulator (set OPENAI_API_KEY, GOOGLE_CLOUD_PROJECT or ANTHROPIC_API_KEY for real providers).");
        return new SampleProviders(options, emulator);
    }

    public async ValueTask DisposeAsync()
    {
        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }
    }
}
