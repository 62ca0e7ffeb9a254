namespace FlexiAI;

/// <summary>
/// One provider's circuit breaker: the state machine of DESIGN §4 over an <see cref="ICircuitStateStore"/>.
/// </summary>
/// <remarks>
/// Closed → (N consecutive counted failures) → Open → (recovery timeout) → HalfOpen: exactly one caller
/// gets a probe permit (compare-and-swap on the store), everyone else is denied without waiting. The probe's
/// success closes the breaker, its counted failure re-opens it, and a probe that ends without a verdict
/// (caller cancellation, an uncounted category) frees the slot. A probe that never reports is bounded by
/// its lease, which is the attempt timeout plus a margin.
/// The hot path — a closed breaker with no failures — reads one volatile field and takes no lock.
/// </remarks>
internal sealed class CircuitBreaker : IDisposable
{
    private readonly ICircuitStateStore _store;
    private readonly TimeProvider _time;
    private readonly int _threshold;
    private readonly TimeSpan _recovery;
    private readonly TimeSpan _probeLease;
    private CircuitStateEntry _cachedField = CircuitStateEntry.Initial;

    public CircuitBreaker(string name, ICircuitStateStore store, TimeProvider time, int threshold, TimeSpan recoveryTimeout, TimeSpan probeLease)
    {
        Name = name;
        _store = store;
        _time = time;
        _threshold = threshold;
        _recovery = recoveryTimeout;
        _probeLease = probeLease;
    }

    public string Name { get; }

    private CircuitStateEntry Cached => Volatile.Read(ref _cachedField);

    /// <summary>Gets the last entry this breaker read or wrote (for status reports; no I/O).</summary>
    public CircuitStateEntry Snapshot => Cached;

    /// <summary>Loads the stored state (a shared store may already hold state for this provider).</summary>
    public async ValueTask RefreshAsync(CancellationToken cancellationToken) =>
        Observe(await _store.GetAsync(Name, cancellationToken).ConfigureAwait(false));

    /// <summary>Asks whether a call may go through now.</summary>
    public ValueTask<(CircuitPermit Permit, CircuitStateChange? Change)> AcquireAsync(CancellationToken cancellationToken)
    {
        var cached = Cached;
        return cached.State == CircuitState.Closed
            ? new((CircuitPermit.Closed, null))
            : AcquireSlowAsync(cancellationToken);
    }

    private async ValueTask<(CircuitPermit, CircuitStateChange?)> AcquireSlowAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var entry = await _store.GetAsync(Name, cancellationToken).ConfigureAwait(false);
            Observe(entry);
            var now = _time.GetUtcNow();
            switch (entry.State)
            {
                case CircuitState.Closed:
                    return (CircuitPermit.Closed, null);

                case CircuitState.Open when entry.NextProbeAt is { } probeAt && now < probeAt:
                    return (new CircuitPermit(false, false, CircuitState.Open, probeAt), null);

                case CircuitState.Open:
                {
                    var next = entry with { State = CircuitState.HalfOpen, ProbeLeaseUntil = now + _probeLease, Version = entry.Version + 1 };
                    if (await TrySwapAsync(entry, next, cancellationToken).ConfigureAwait(false))
                    {
                        return (new CircuitPermit(true, true, CircuitState.HalfOpen, null),
                            Change(CircuitState.Open, next, CircuitTransitionReason.RecoveryTimeoutElapsed, now, null));
                    }

                    continue;
                }

                case CircuitState.HalfOpen when entry.ProbeLeaseUntil is { } lease && now < lease:
                    return (new CircuitPermit(false, false, CircuitState.HalfOpen, null), null);

                default:
                {
                    // Half-open with a free (or expired) probe slot: take it.
                    var next = entry with { ProbeLeaseUntil = now + _probeLease, Version = entry.Version + 1 };
                    if (await TrySwapAsync(entry, next, cancellationToken).ConfigureAwait(false))
                    {
                        return (new CircuitPermit(true, true, CircuitState.HalfOpen, null), null);
                    }

                    continue;
                }
            }
        }
    }

    /// <summary>Records a success of a call made under <paramref name="permit"/>.</summary>
    public ValueTask<CircuitStateChange?> RecordSuccessAsync(CircuitPermit permit, CancellationToken cancellationToken)
    {
        var cached = Cached;
        if (!permit.IsProbe && cached.State == CircuitState.Closed && cached.ConsecutiveFailures == 0)
        {
            return new((CircuitStateChange?)null);
        }

        return RecordSuccessSlowAsync(permit, cancellationToken);
    }

    private async ValueTask<CircuitStateChange?> RecordSuccessSlowAsync(CircuitPermit permit, CancellationToken cancellationToken)
    {
        while (true)
        {
            var entry = await _store.GetAsync(Name, cancellationToken).ConfigureAwait(false);
            Observe(entry);
            if (entry.State == CircuitState.Closed ? entry.ConsecutiveFailures == 0 : !(permit.IsProbe && entry.State == CircuitState.HalfOpen))
            {
                // Nothing to do: already clean, or a late success of a call that started before the breaker opened.
                return null;
            }

            var next = CircuitStateEntry.Initial with { LastErrorCategory = entry.LastErrorCategory, Version = entry.Version + 1 };
            if (await TrySwapAsync(entry, next, cancellationToken).ConfigureAwait(false))
            {
                return entry.State == CircuitState.HalfOpen
                    ? Change(entry.State, next, CircuitTransitionReason.ProbeSucceeded, _time.GetUtcNow(), null)
                    : null;
            }
        }
    }

    /// <summary>Records a failure of a call made under <paramref name="permit"/>.</summary>
    /// <param name="permit">The permit the call ran under.</param>
    /// <param name="category">The failure's category.</param>
    /// <param name="counts">Whether the failure counts toward the breaker; when not, a probe's slot is freed.</param>
    /// <param name="cancellationToken">A token to cancel store I/O.</param>
    public async ValueTask<CircuitStateChange?> RecordFailureAsync(CircuitPermit permit, ErrorCategory category, bool counts, CancellationToken cancellationToken)
    {
        if (!counts)
        {
            if (permit.IsProbe)
            {
                await ReleaseProbeAsync(cancellationToken).ConfigureAwait(false);
            }

            return null;
        }

        while (true)
        {
            var entry = await _store.GetAsync(Name, cancellationToken).ConfigureAwait(false);
            Observe(entry);
            var now = _time.GetUtcNow();
            var failures = entry.ConsecutiveFailures + 1;
            CircuitStateEntry next;
            CircuitTransitionReason? reason = null;
            switch (entry.State)
            {
                case CircuitState.HalfOpen when permit.IsProbe:
                    next = new CircuitStateEntry(CircuitState.Open, failures, now, now + _recovery, null, category, entry.Version + 1);
                    reason = CircuitTransitionReason.ProbeFailed;
                    break;
                case CircuitState.Closed when failures >= _threshold:
                    next = new CircuitStateEntry(CircuitState.Open, failures, now, now + _recovery, null, category, entry.Version + 1);
                    reason = CircuitTransitionReason.FailureThresholdReached;
                    break;
                case CircuitState.Closed:
                    next = entry with { ConsecutiveFailures = failures, LastErrorCategory = category, Version = entry.Version + 1 };
                    break;
                default:
                    // A late failure of a call that started before the breaker opened: note it, keep the schedule.
                    next = entry with { ConsecutiveFailures = failures, LastErrorCategory = category, Version = entry.Version + 1 };
                    break;
            }

            if (await TrySwapAsync(entry, next, cancellationToken).ConfigureAwait(false))
            {
                return reason is { } r ? Change(entry.State, next, r, now, category) : null;
            }
        }
    }

    /// <summary>Frees the half-open probe slot without a verdict (cancellation, an uncounted failure).</summary>
    public async ValueTask ReleaseProbeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var entry = await _store.GetAsync(Name, cancellationToken).ConfigureAwait(false);
            Observe(entry);
            if (entry.State != CircuitState.HalfOpen || entry.ProbeLeaseUntil is null)
            {
                return;
            }

            if (await TrySwapAsync(entry, entry with { ProbeLeaseUntil = null, Version = entry.Version + 1 }, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>Opens the breaker by hand, for the recovery timeout.</summary>
    public async ValueTask<CircuitStateChange?> TripAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var entry = await _store.GetAsync(Name, cancellationToken).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            var next = new CircuitStateEntry(CircuitState.Open, entry.ConsecutiveFailures, now, now + _recovery, null, entry.LastErrorCategory, entry.Version + 1);
            if (await TrySwapAsync(entry, next, cancellationToken).ConfigureAwait(false))
            {
                return Change(entry.State, next, CircuitTransitionReason.ManualTrip, now, null);
            }
        }
    }

    /// <summary>Closes the breaker by hand and clears its failure count.</summary>
    public async ValueTask<CircuitStateChange?> ResetAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var entry = await _store.GetAsync(Name, cancellationToken).ConfigureAwait(false);
            var next = CircuitStateEntry.Initial with { Version = entry.Version + 1 };
            if (await TrySwapAsync(entry, next, cancellationToken).ConfigureAwait(false))
            {
                return entry.State == CircuitState.Closed && entry.ConsecutiveFailures == 0
                    ? null
                    : Change(entry.State, next, CircuitTransitionReason.ManualReset, _time.GetUtcNow(), null);
            }
        }
    }

    private async ValueTask<bool> TrySwapAsync(CircuitStateEntry expected, CircuitStateEntry next, CancellationToken cancellationToken)
    {
        if (await _store.TryReplaceAsync(Name, expected, next, cancellationToken).ConfigureAwait(false))
        {
            Observe(next);
            return true;
        }

        return false;
    }

    /// <summary>Keeps the newest entry seen (versions only grow), so a slow writer never regresses the cache.</summary>
    private void Observe(CircuitStateEntry entry)
    {
        var current = Cached;
        while (entry.Version > current.Version || (entry.Version == 0 && current.Version == 0))
        {
            var seen = Interlocked.CompareExchange(ref _cachedField, entry, current);
            if (ReferenceEquals(seen, current))
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>Reads the stored entry (for an async status report).</summary>
    public async ValueTask<CircuitStateEntry> ReadAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        return Cached;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private CircuitStateChange Change(CircuitState from, CircuitStateEntry to, CircuitTransitionReason reason, DateTimeOffset at, ErrorCategory? category) =>
        new(Name, from, to.State, reason, at, to.ConsecutiveFailures, category, to.State == CircuitState.Open ? to.NextProbeAt : null);
}
