using FlexiAI.Emulator;

namespace FlexiAI.Gateway.Tests;

/// <summary>One in-process emulator per test class (faults are cleared by each rig).</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    private EmulatorHost? _host;

    internal EmulatorHost Host => _host ?? throw new InvalidOperationException("The emulator has not started.");

    public async ValueTask InitializeAsync()
    {
        var options = EmulatorOptions.Standard();
        foreach (var instance in options.Instances)
        {
            instance.ChunkDelay = TimeSpan.FromMilliseconds(2);
        }

        _host = await EmulatorHost.StartAsync(options);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
