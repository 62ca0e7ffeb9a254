namespace FlexiAI.Redis.Tests.Fleet;

/// <summary>Three fleet host processes shared by the fleet tests (each test begins and ends its own clients in them).</summary>
public sealed class FleetHosts : IAsyncLifetime
{
    private FleetProcess[] _hosts = [];

    public FleetProcess this[int index] => _hosts[index];

    public IReadOnlyList<FleetProcess> All => _hosts;

    public async ValueTask InitializeAsync() =>
        _hosts = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => FleetProcess.StartAsync()));

    public async ValueTask DisposeAsync() =>
        await Task.WhenAll(_hosts.Select(h => h.DisposeAsync().AsTask()));
}
