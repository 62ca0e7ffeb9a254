using Microsoft.Extensions.Logging;

namespace FlexiAI;

/// <summary>The administrative side of a client: routing order, breaker status, manual trip and reset, credential checks, model facts.</summary>
internal sealed class ProviderAdministration(ProviderSetHolder sets, EventSink sink, ILogger logger)
{
    public string? PrimaryProvider => sets.Current.Ordered is { Length: > 0 } ordered ? ordered[0].Name : null;

    public void SetPrimary(string name)
    {
        var provider = Find(sets.Current, name);
        sets.SetPrimary(provider.Name);
        Log.PrimaryChanged(logger, provider.Name);
    }

    /// <summary>Every provider's health from the breakers' last known state (no I/O), in routing order, disabled providers last.</summary>
    public IReadOnlyList<ProviderStatus> GetStatus()
    {
        var set = sets.Current;
        return [.. Listed(set).Select(p => Status(set, p, p.Breaker.Snapshot))];
    }

    /// <summary>Every provider's health read from the breakers' state store (a shared store shows what the fleet sees).</summary>
    public async Task<IReadOnlyList<ProviderStatus>> GetStatusAsync(CancellationToken cancellationToken)
    {
        var set = sets.Current;
        var result = new List<ProviderStatus>(set.Providers.Length);
        foreach (var provider in Listed(set))
        {
            var entry = await provider.Breaker.ReadAsync(cancellationToken).ConfigureAwait(false);
            result.Add(Status(set, provider, entry));
        }

        return result;
    }

    public async ValueTask ResetAsync(string? name, CancellationToken cancellationToken)
    {
        var set = sets.Current;
        var targets = name is null ? set.Providers : [Find(set, name)];
        foreach (var provider in targets)
        {
            if (await provider.Breaker.ResetAsync(cancellationToken).ConfigureAwait(false) is { } change)
            {
                await PublishAsync(change, provider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask TripAsync(string name, CancellationToken cancellationToken)
    {
        var provider = Find(sets.Current, name);
        if (await provider.Breaker.TripAsync(cancellationToken).ConfigureAwait(false) is { } change)
        {
            await PublishAsync(change, provider, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<CredentialCheckResult>> ValidateCredentialsAsync(CancellationToken cancellationToken)
    {
        var checks = sets.Current.Ordered.Select(p => p.Adapter.ValidateCredentialsAsync(p.Options, p.Client, cancellationToken)).ToArray();
        return await Task.WhenAll(checks).ConfigureAwait(false);
    }

    public ProviderModelInfo GetModelInfo(string name)
    {
        var provider = Find(sets.Current, name);
        return provider.Adapter.DescribeModel(provider.Model);
    }

    private static IEnumerable<RoutedProvider> Listed(ProviderSet set)
    {
        var ordered = set.Ordered;
        return ordered.Concat(set.Providers.Where(p => !ordered.Contains(p)));
    }

    private static ProviderStatus Status(ProviderSet set, RoutedProvider p, CircuitStateEntry entry)
    {
        var position = Array.IndexOf(set.Ordered, p) + 1;
        return new ProviderStatus(p.Name, p.Options.EffectiveType, p.Model, p.Options.Priority, position, entry.State,
            entry.ConsecutiveFailures, entry.OpenedAt, entry.State == CircuitState.Closed ? null : entry.NextProbeAt,
            p.LastErrorCategory ?? entry.LastErrorCategory);
    }

    private ValueTask PublishAsync(CircuitStateChange change, RoutedProvider provider, CancellationToken cancellationToken) =>
        sink.Wants(RequestEventKinds.CircuitChanged)
            ? sink.PublishAsync(new CircuitChanged(change, string.Empty, provider.Model), cancellationToken)
            : default;

    private static RoutedProvider Find(ProviderSet set, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return set.Find(name)
            ?? throw new ArgumentException($"No provider is named '{name}'. Known providers: {string.Join(", ", set.Providers.Select(p => p.Name))}.", nameof(name));
    }
}
