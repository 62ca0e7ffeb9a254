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

    /// <summary>
    /// Gets the providers as configuration keys under <paramref name="section"/>, in the plan's snake_case (what an
    /// <c>appsettings.json</c> "FlexiAI" section would hold), for the samples that bind configuration through <c>AddFlexiAI</c>.
    /// </summary>
    public Dictionary<string, string?> ToConfiguration(string section, params string[] only)
    {
        var values = new Dictionary<string, string?>();
        var index = 0;
        foreach (var provider in Options.Providers.Where(p => only.Length == 0 || only.Contains(p.Name)))
        {
            var prefix = $"{section}:providers:{index++}:";
            values[prefix + "name"] = provider.Name;
            values[prefix + "priority"] = index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            values[prefix + "model"] = provider.Model;
            values[prefix + "api_key"] = provider.ApiKey;
            values[prefix + "base_url"] = provider.BaseUrl?.ToString();
            foreach (var (key, value) in provider.Settings)
            {
                values[prefix + "config:" + key] = value;
            }
        }

        return values;
    }

    public async ValueTask DisposeAsync()
    {
        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }
    }
}
