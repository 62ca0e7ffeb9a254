namespace FlexiAI.Tests.CircuitBreaking;

/// <summary>What a <see cref="ControllableCircuitStateStore"/> does with its next calls.</summary>
public enum StoreFault
{
    /// <summary>Answers normally.</summary>
    None,

    /// <summary>Throws at once.</summary>
    Throw,

    /// <summary>Never answers, ignoring its cancellation token.</summary>
    Hang,
}

/// <summary>
/// A shared store that cannot push changes (breakers must poll it), over an in-memory store, whose calls can be switched to
/// throw or hang — a stand-in for a Redis store that is slow, unreachable or unwilling.
/// </summary>
public sealed class ControllableCircuitStateStore : ICircuitStateStore
{
    private readonly InMemoryCircuitStateStore _inner = new();
    private int _fault;
    private int _calls;

    public StoreFault Fault
    {
        get => (StoreFault)Volatile.Read(ref _fault);
        set => Volatile.Write(ref _fault, (int)value);
    }

    public int Calls => Volatile.Read(ref _calls);

    public ValueTask<CircuitStateEntry> GetAsync(string key, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return Fault switch
        {
            StoreFault.Throw => throw new InvalidOperationException("the state store is unreachable"),
            StoreFault.Hang => new(new TaskCompletionSource<CircuitStateEntry>().Task),
            _ => _inner.GetAsync(key, cancellationToken),
        };
    }

    public ValueTask<bool> TryReplaceAsync(string key, CircuitStateEntry expected, CircuitStateEntry replacement, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return Fault switch
        {
            StoreFault.Throw => throw new InvalidOperationException("the state store is unreachable"),
            StoreFault.Hang => new(new TaskCompletionSource<bool>().Task),
            _ => _inner.TryReplaceAsync(key, expected, replacement, cancellationToken),
        };
    }
}
