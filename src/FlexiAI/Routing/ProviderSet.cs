namespace FlexiAI;

/// <summary>
/// One configuration's providers, built by <see cref="ProviderSetBuilder"/>: the providers, their routing order and
/// the error policies. A reload builds a new set; the old one is retired and disposed (only what FlexiAI created)
/// when the last request that entered it ends — so a request never loses its providers mid-way, and retired sets
/// never pile up.
/// </summary>
internal sealed class ProviderSet
{
    private const int RetiredBit = 1 << 30;
    private readonly ErrorPolicy[] _policies;
    private readonly IDisposable _secrets;
    private volatile RoutedProvider[] _ordered;
    private int _state;
    private int _disposed;

    public ProviderSet(FlexiAIOptions options, RoutedProvider[] providers, ErrorPolicy[] policies, IDisposable secrets)
    {
        _secrets = secrets;
        Options = options;
        Providers = providers;
        _policies = policies;
        _ordered = Order(providers, primary: null);
    }

    /// <summary>Gets the configuration (validated; never changed).</summary>
    public FlexiAIOptions Options { get; }

    /// <summary>Gets every provider, in configuration order (disabled ones included).</summary>
    public RoutedProvider[] Providers { get; }

    /// <summary>Gets the enabled providers in the order requests try them.</summary>
    public RoutedProvider[] Ordered => _ordered;

    /// <summary>Gets whether the set has been disposed (for tests).</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public ErrorPolicy PolicyFor(ErrorCategory category) => _policies[(int)category];

    public RoutedProvider? Find(string name) =>
        Array.Find(Providers, p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Puts the provider named <paramref name="primary"/> first (the others keep their order); <see langword="null"/> restores priority order.</summary>
    public void SetPrimary(string? primary) => _ordered = Order(Providers, primary is null ? null : Find(primary));

    /// <summary>Enters the set for one request; <see langword="false"/> when it was retired meanwhile (use the current set).</summary>
    public bool TryEnter()
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if ((state & RetiredBit) != 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _state, state + 1, state) == state)
            {
                return true;
            }
        }
    }

    /// <summary>Leaves the set; the last request out of a retired set disposes it.</summary>
    public void Exit()
    {
        if (Interlocked.Decrement(ref _state) == RetiredBit)
        {
            DisposeOwned();
        }
    }

    /// <summary>Retires the set: no new request enters; it is disposed when the last running one leaves (now, if none).</summary>
    public void Retire()
    {
        if (Interlocked.Or(ref _state, RetiredBit) == 0)
        {
            DisposeOwned();
        }
    }

    private void DisposeOwned()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var provider in Providers)
        {
            provider.DisposeOwned();
        }

        _secrets.Dispose();
    }

    private static RoutedProvider[] Order(RoutedProvider[] providers, RoutedProvider? primary) =>
        [.. providers
            .Where(p => p.Options.Enabled)
            .OrderBy(p => ReferenceEquals(p, primary) ? 0 : 1)
            .ThenBy(p => p.Options.Priority ?? int.MaxValue)
            .ThenBy(p => p.Order)];
}
