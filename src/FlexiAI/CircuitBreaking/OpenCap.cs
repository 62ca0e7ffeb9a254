namespace FlexiAI;

/// <summary>
/// The cap on how many of a client's breakers may be open at once (<c>circuit_breaker.max_open_fraction</c>, Envoy's max ejection
/// percent): a breaker that would open beyond it stays closed and its provider is tried after every other one.
/// </summary>
internal sealed class OpenCap
{
    private readonly CircuitBreaker[] _members;
    private readonly int _maxOpen;

    /// <summary>Initializes a new instance of the <see cref="OpenCap"/> class.</summary>
    /// <param name="members">The breakers of one provider set.</param>
    /// <param name="fraction">The largest share that may be open (0 &lt; fraction ≤ 1); at least one may always open.</param>
    public OpenCap(CircuitBreaker[] members, double fraction)
    {
        _members = members;
        _maxOpen = Math.Max(1, (int)Math.Floor(fraction * members.Length));
    }

    /// <summary>Gets how many breakers may be open at once.</summary>
    public int MaxOpen => _maxOpen;

    /// <summary>Says whether <paramref name="breaker"/> may open now: fewer than the cap of the others are open or half-open.</summary>
    /// <param name="breaker">The breaker about to open.</param>
    /// <returns><see langword="true"/> when it may.</returns>
    public bool MayOpen(CircuitBreaker breaker)
    {
        var open = 0;
        foreach (var member in _members)
        {
            if (!ReferenceEquals(member, breaker) && member.Snapshot.State != CircuitState.Closed)
            {
                open++;
            }
        }

        return open < _maxOpen;
    }
}
