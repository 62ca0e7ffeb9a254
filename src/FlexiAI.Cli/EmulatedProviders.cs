using FlexiAI.Emulator;

namespace FlexiAI.Cli;

/// <summary>The embedded emulator's three providers, ready to route to, with the faults the demo scripts.</summary>
internal sealed class EmulatedProviders : IAsyncDisposable
{
    private const string Key = "emulator-key";
    private readonly EmulatorHost _host;

    private EmulatedProviders(EmulatorHost host) => _host = host;

    public EmulatorHost Host => _host;

    public static async Task<EmulatedProviders> StartAsync(CancellationToken cancellationToken)
    {
        var options = EmulatorOptions.Standard();
        foreach (var instance in options.Instances)
        {
            // A little latency and pacing so routes and streams look like real ones.
            instance.FirstTokenLatency = TimeSpan.FromMilliseconds(40);
            instance.ChunkDelay = TimeSpan.FromMilliseconds(15);
        }

        return new EmulatedProviders(await EmulatorHost.StartAsync(options, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Options routing OpenAI → Vertex AI → Anthropic, as in the plan, all on the emulator.</summary>
    public FlexiAIOptions CreateOptions()
    {
        var options = new FlexiAIOptions();
        options.Providers.Add(new ProviderOptions { Name = "openai", Type = ProviderTypes.OpenAI, Priority = 1, Model = ExampleModel(ProviderTypes.OpenAI), ApiKey = Key, BaseUrl = _host["openai"].BaseUrl });
        var vertex = new ProviderOptions { Name = "vertexai", Type = ProviderTypes.VertexAI, Priority = 2, Model = ExampleModel(ProviderTypes.VertexAI), BaseUrl = _host["vertexai"].BaseUrl };
        vertex.Settings["project"] = "flexiai-emulator";
        vertex.Settings["location"] = "us-central1";
        vertex.Settings["access_token"] = Key;
        options.Providers.Add(vertex);
        options.Providers.Add(new ProviderOptions { Name = "anthropic", Type = ProviderTypes.Anthropic, Priority = 3, Model = ExampleModel(ProviderTypes.Anthropic), ApiKey = Key, BaseUrl = _host["anthropic"].BaseUrl });
        return options;
    }

    /// <summary>The current model the provider type suggests (the emulator answers for any model).</summary>
    private static string ExampleModel(string type) =>
        ProviderFactory.BuiltIn.First(f => string.Equals(f.Type, type, StringComparison.OrdinalIgnoreCase)).ExampleModel ?? type + "-model";

    /// <summary>Every request to the instance fails with HTTP 503 until <see cref="BringUp"/>.</summary>
    public void TakeDown(string name) => _host[name].Faults.FailAlways(Fault.Status(503));

    /// <summary>Every stream from the instance stalls before its first token until <see cref="BringUp"/>.</summary>
    public void StallBeforeFirstToken(string name) => _host[name].Faults.FailAlways(Fault.Stall());

    public void BringUp(string name) => _host[name].Faults.Clear();

    public int RequestCount(string name) => _host[name].Journal.Count;

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
