namespace FlexiAI.Emulator.Tests;

/// <summary>One emulator per test class; tests reset faults and journals of the instances they use.</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    public EmulatorHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var options = EmulatorOptions.Standard();
        options.Instances.Add(new EmulatedInstanceOptions("strict-openai", EmulatedProviderKind.OpenAI) { ApiKey = "sk-right-key-000000000000" });
        options.Instances.Add(new EmulatedInstanceOptions("openai-2", EmulatedProviderKind.OpenAI) { ReplyText = _ => "the second OpenAI-compatible instance" });
        Host = await EmulatorHost.StartAsync(options);
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();

    public EmulatedInstance Fresh(string name)
    {
        var instance = Host[name];
        instance.Faults.Clear();
        instance.Journal.Clear();
        return instance;
    }
}
