namespace FlexiAI;

/// <summary>
/// Holds the client's current <see cref="ProviderSet"/>: requests enter it, a reload replaces it (retiring the old
/// one), and the chosen primary survives the replacement.
/// </summary>
internal sealed class ProviderSetHolder(ProviderSet initial)
{
    private readonly Lock _gate = new();
    private ProviderSet _current = initial;
    private string? _primary;
    private bool _disposed;

    public ProviderSet Current => Volatile.Read(ref _current);

    /// <summary>Enters the current set for one request; the caller must <see cref="ProviderSet.Exit"/> it.</summary>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    public ProviderSet Enter()
    {
        while (true)
        {
            var set = Current;
            if (set.TryEnter())
            {
                return set;
            }

            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), typeof(FlexiAIClient));
        }
    }

    /// <summary>Makes <paramref name="next"/> current (with the chosen primary, if it still exists) and retires the previous set.</summary>
    public void Replace(ProviderSet next)
    {
        lock (_gate)
        {
            if (_primary is not null && next.Find(_primary) is not null)
            {
                next.SetPrimary(_primary);
            }

            Interlocked.Exchange(ref _current, next).Retire();
        }
    }

    public void SetPrimary(string name)
    {
        lock (_gate)
        {
            _primary = name;
            Current.SetPrimary(name);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            Volatile.Write(ref _disposed, true);
            Current.Retire();
        }
    }
}
