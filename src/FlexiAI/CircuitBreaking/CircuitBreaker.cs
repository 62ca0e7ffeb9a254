using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlexiAI;

/// <summary>
/// One provider's circuit breaker: the state machine of DESIGN §4 over an <see cref="ICircuitStateStore"/>.
/// </summary>
/// <remarks>
/// <para>
/// Closed → (N consecutive counted failures) → Open → (recovery timeout) → HalfOpen: exactly one caller
/// gets a probe permit (compare-and-swap on the store), everyone else is denied without waiting. The probe's
/// success closes the breaker, its counted failure re-opens it, and a probe that ends without a verdict
/// (caller cancellation, an uncounted category) frees the slot.
/// </para>
/// <para>
/// A probe stays the only one until it reports: this instance keeps a local in-flight marker, and renews the probe's lease
/// in the store at half the lease while the probe runs, so peers sharing the store see the slot held too. The lease frees
/// the slot only when its holder stops renewing (the process died, or the breaker was disposed).
/// </para>
/// <para>
/// Peers' changes reach the cached entry without a request failing here first: a store that pushes
/// (<see cref="INotifyingCircuitStateStore"/>) delivers them as they happen; any other store is re-read every refresh interval.
/// </para>
/// <para>
/// Every store call has a timeout. A store that throws, hangs or times out fails open to the local view: the breaker goes
/// on with its cached entry as a local state machine, logs one warning per outage, and uses the store again once it
/// answers (its entries then win over what was decided locally). No method throws because of the store; the caller's
/// cancellation still propagates from <see cref="AcquireAsync"/>, <see cref="TripAsync"/>, <see cref="ResetAsync"/>,
/// <see cref="RefreshAsync"/> and <see cref="ReadAsync"/>.
/// </para>
/// <para>The hot path — a closed breaker with no failures — reads one volatile field, takes no lock and allocates nothing.</para>
/// </remarks>
internal sealed class CircuitBreaker : IDisposable
{
    /// <summary>The default bound on one store call.</summary>
    public static readonly TimeSpan DefaultStoreTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The default interval at which a store that cannot push changes is re-read.</summary>
    public static readonly TimeSpan DefaultStoreRefreshInterval = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan LeaseMargin = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MinTimerPeriod = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan MaxTimerPeriod = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly ICircuitStateStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CircuitStoreHealth? _health;
    private readonly int _threshold;
    private readonly TimeSpan _recovery;
    private readonly TimeSpan _probeLease;
    private readonly TimeSpan _storeTimeout;
    private readonly TimeSpan _refreshInterval;
    private readonly Listener _listener;
    private readonly FailureRatioWindow? _window;
    private long _heldUntilTicks;
    private CircuitStateEntry _cachedField = CircuitStateEntry.Initial;
    private CircuitStateEntry? _localField;
    private int _probeInFlight;
    private long _probeLeaseTicks;
    private long _pendingLeaseTicks;
    private ITimer? _renewTimer;
    private int _renewing;
    private int _refreshing;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="CircuitBreaker"/> class and starts following the store.</summary>
    /// <param name="name">The circuit key (the provider name).</param>
    /// <param name="store">Where the state lives.</param>
    /// <param name="time">The clock for every schedule, lease and timeout.</param>
    /// <param name="threshold">Consecutive counted failures that open the breaker.</param>
    /// <param name="recoveryTimeout">How long the breaker stays open before a probe.</param>
    /// <param name="probeLease">How long peers consider a probe slot held when its holder stops renewing it.</param>
    /// <param name="storeTimeout">The bound on one store call; <see langword="null"/> for <see cref="DefaultStoreTimeout"/>.</param>
    /// <param name="storeRefreshInterval">How often a store that cannot push is re-read, and how long a failed store rests;
    /// <see langword="null"/> for <see cref="DefaultStoreRefreshInterval"/>.</param>
    /// <param name="logger">Where store outages are reported.</param>
    /// <param name="ratioWindow">In ratio mode, the failure-ratio window that decides opening instead of <paramref name="threshold"/>; <see langword="null"/> for consecutive mode.</param>
    public CircuitBreaker(
        string name,
        ICircuitStateStore store,
        TimeProvider time,
        int threshold,
        TimeSpan recoveryTimeout,
        TimeSpan probeLease,
        TimeSpan? storeTimeout = null,
        TimeSpan? storeRefreshInterval = null,
        ILogger? logger = null,
        FailureRatioWindow? ratioWindow = null)
    {
        Name = name;
        _window = ratioWindow;
        _store = store;
        _time = time;
        _threshold = threshold;
        _recovery = recoveryTimeout;
        _probeLease = probeLease;
        _storeTimeout = ClampTimer(storeTimeout ?? DefaultStoreTimeout);
        _refreshInterval = ClampTimer(storeRefreshInterval ?? DefaultStoreRefreshInterval);
        _logger = logger ?? NullLogger.Instance;

        // The in-memory store answers synchronously and cannot fail: it needs no timeout and no fallback.
        _health = store is InMemoryCircuitStateStore ? null : CircuitStoreHealth.For(store);
        _listener = new Listener(this);
        _refreshing = 1; // the first read below runs before any refresh tick
        if (store is not INotifyingCircuitStateStore notifying || !TrySubscribe(notifying))
        {
            _listener.Timer = time.CreateTimer(static state => ((Listener)state!).OnTick(), _listener, _refreshInterval, _refreshInterval);
        }

        // A shared store may already hold state for this provider (a peer opened it before we subscribed).
        _ = RefreshInBackgroundAsync();
    }

    public string Name { get; }

    private CircuitStateEntry Cached => Volatile.Read(ref _cachedField);

    private bool ProbeInFlight => Volatile.Read(ref _probeInFlight) != 0;

    /// <summary>Gets or sets the cap on open breakers this breaker shares with its provider set, if any.</summary>
    public OpenCap? Cap { get; set; }

    /// <summary>
    /// Gets a value indicating whether this breaker should have opened but the cap on open breakers kept it closed: its provider is
    /// tried after every other one, until its recovery timeout has passed since.
    /// </summary>
    public bool HeldByCap
    {
        get
        {
            var until = Volatile.Read(ref _heldUntilTicks);
            if (until == 0)
            {
                return false;
            }

            if (_time.GetUtcNow().UtcTicks < until)
            {
                return true;
            }

            Interlocked.CompareExchange(ref _heldUntilTicks, 0, until);
            return false;
        }
    }

    /// <summary>Gets the failure-ratio window in ratio mode; <see langword="null"/> in consecutive mode.</summary>
    public FailureRatioWindow? RatioWindow => _window;

    /// <summary>Gets the last entry this breaker read, wrote or was told of (for status reports; no I/O).</summary>
    public CircuitStateEntry Snapshot => Cached;

    /// <summary>Returns the probe lease for an attempt timeout: the timeout plus a margin, or the recovery timeout when the attempt timeout is infinite; never overflows.</summary>
    /// <param name="attemptTimeout">The provider's attempt timeout.</param>
    /// <param name="recoveryTimeout">The breaker's recovery timeout.</param>
    /// <returns>The lease.</returns>
    public static TimeSpan ProbeLeaseFor(TimeSpan attemptTimeout, TimeSpan recoveryTimeout) =>
        attemptTimeout == Timeout.InfiniteTimeSpan ? recoveryTimeout
        : attemptTimeout >= TimeSpan.MaxValue - LeaseMargin ? TimeSpan.MaxValue
        : attemptTimeout + LeaseMargin;

    /// <summary>Returns <paramref name="at"/> + <paramref name="duration"/>, held at <see cref="DateTimeOffset.MaxValue"/> (or MinValue) instead of overflowing; an infinite duration gives MaxValue.</summary>
    /// <param name="at">The start.</param>
    /// <param name="duration">The duration.</param>
    /// <returns>The saturated sum, in UTC.</returns>
    public static DateTimeOffset AddSaturating(DateTimeOffset at, TimeSpan duration)
    {
        if (duration == Timeout.InfiniteTimeSpan || duration.Ticks >= DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks)
        {
            return DateTimeOffset.MaxValue;
        }

        return duration.Ticks <= DateTimeOffset.MinValue.UtcTicks - at.UtcTicks
            ? DateTimeOffset.MinValue
            : new DateTimeOffset(at.UtcTicks + duration.Ticks, TimeSpan.Zero);
    }

    /// <summary>Loads the stored state (a shared store may hold state another instance wrote).</summary>
    /// <param name="cancellationToken">The caller's token; its cancellation propagates.</param>
    /// <returns>A task that completes when the cached entry is up to date, or the store failed (then the cache stays).</returns>
    public async ValueTask RefreshAsync(CancellationToken cancellationToken) =>
        await ReadAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Reads the stored state (with the store timeout), falling back to the cached entry when the store fails.</summary>
    /// <param name="cancellationToken">The caller's token; its cancellation propagates.</param>
    /// <returns>The newest entry this breaker knows of.</returns>
    public async ValueTask<CircuitStateEntry> ReadAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(propagateCancellation: true, cancellationToken).ConfigureAwait(false);
        return Cached;
    }

    /// <summary>Asks whether a call may go through now.</summary>
    /// <param name="cancellationToken">The caller's token; its cancellation propagates.</param>
    /// <returns>The permit and, when this call moved the breaker to half-open, the change.</returns>
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
            var entry = await LoadAsync(propagateCancellation: true, cancellationToken).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            switch (entry.State)
            {
                case CircuitState.Closed:
                    return (CircuitPermit.Closed, null);

                case CircuitState.Open when entry.NextProbeAt is { } probeAt && now < probeAt:
                    return (new CircuitPermit(false, false, CircuitState.Open, probeAt), null);

                case CircuitState.Open or CircuitState.HalfOpen when ProbeInFlight:
                    // Our own probe has not reported yet: it stays the only one, whatever its lease says.
                    return (new CircuitPermit(false, false, CircuitState.HalfOpen, null), null);

                case CircuitState.Open:
                {
                    var next = entry with { State = CircuitState.HalfOpen, ProbeLeaseUntil = AddSaturating(now, _probeLease), Version = entry.Version + 1 };
                    if (await TrySwapAsync(entry, next, propagateCancellation: true, cancellationToken).ConfigureAwait(false))
                    {
                        StartProbe(next);
                        return (new CircuitPermit(true, true, CircuitState.HalfOpen, null),
                            Change(CircuitState.Open, next, CircuitTransitionReason.RecoveryTimeoutElapsed, now, null));
                    }

                    continue;
                }

                case CircuitState.HalfOpen when entry.ProbeLeaseUntil is { } lease && now < lease:
                    return (new CircuitPermit(false, false, CircuitState.HalfOpen, null), null);

                default:
                {
                    // Half-open with a free slot, or one whose holder stopped renewing its lease: take it.
                    var next = entry with { ProbeLeaseUntil = AddSaturating(now, _probeLease), Version = entry.Version + 1 };
                    if (await TrySwapAsync(entry, next, propagateCancellation: true, cancellationToken).ConfigureAwait(false))
                    {
                        StartProbe(next);
                        return (new CircuitPermit(true, true, CircuitState.HalfOpen, null), null);
                    }

                    continue;
                }
            }
        }
    }

    /// <summary>Records a success of a call made under <paramref name="permit"/>.</summary>
    /// <param name="permit">The permit the call ran under.</param>
    /// <param name="cancellationToken">A token to give up on store I/O (the local view is used then); never throws.</param>
    /// <returns>The change, when the success closed the breaker.</returns>
    public ValueTask<CircuitStateChange?> RecordSuccessAsync(CircuitPermit permit, CancellationToken cancellationToken)
    {
        var cached = Cached;
        if (!permit.IsProbe && cached.State == CircuitState.Closed && cached.ConsecutiveFailures == 0)
        {
            // Ratio mode: the success goes into the window (Interlocked, no lock, no allocation); the store is not touched.
            _window?.RecordSuccess();
            return new((CircuitStateChange?)null);
        }

        return permit.IsProbe ? RecordProbeSuccessAsync(permit, cancellationToken) : RecordSuccessSlowAsync(permit, cancellationToken);
    }

    private async ValueTask<CircuitStateChange?> RecordProbeSuccessAsync(CircuitPermit permit, CancellationToken cancellationToken)
    {
        try
        {
            return await RecordSuccessSlowAsync(permit, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            EndProbe();
        }
    }

    private async ValueTask<CircuitStateChange?> RecordSuccessSlowAsync(CircuitPermit permit, CancellationToken cancellationToken)
    {
        while (true)
        {
            var entry = await LoadAsync(propagateCancellation: false, cancellationToken).ConfigureAwait(false);
            if (entry.State == CircuitState.Closed ? entry.ConsecutiveFailures == 0 : !(permit.IsProbe && entry.State == CircuitState.HalfOpen))
            {
                // Nothing to do: already clean, or a late success of a call that started before the breaker opened.
                return null;
            }

            var next = CircuitStateEntry.Initial with { LastErrorCategory = entry.LastErrorCategory, Version = entry.Version + 1 };
            if (await TrySwapAsync(entry, next, propagateCancellation: false, cancellationToken).ConfigureAwait(false))
            {
                if (entry.State == CircuitState.HalfOpen)
                {
                    _window?.Reset(); // a closed breaker starts a new period
                }

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
    /// <param name="cancellationToken">A token to give up on store I/O (the local view is used then); never throws.</param>
    /// <returns>The change, when the failure opened the breaker.</returns>
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

        try
        {
            return await RecordCountedFailureAsync(permit, category, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (permit.IsProbe)
            {
                EndProbe();
            }
        }
    }

    private async ValueTask<CircuitStateChange?> RecordCountedFailureAsync(CircuitPermit permit, ErrorCategory category, CancellationToken cancellationToken)
    {
        // Ratio mode, closed: the failure goes into the window; the store is written only when the window trips.
        var ratioTripped = false;
        if (_window is not null && !permit.IsProbe && Cached.State == CircuitState.Closed)
        {
            if (!_window.RecordFailure())
            {
                return null;
            }

            ratioTripped = true;
        }

        while (true)
        {
            var entry = await LoadAsync(propagateCancellation: false, cancellationToken).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            var failures = entry.ConsecutiveFailures + 1;
            CircuitStateEntry next;
            CircuitTransitionReason? reason = null;
            switch (entry.State)
            {
                case CircuitState.HalfOpen when permit.IsProbe:
                    next = new CircuitStateEntry(CircuitState.Open, failures, now, AddSaturating(now, _recovery), null, category, entry.Version + 1);
                    reason = CircuitTransitionReason.ProbeFailed;
                    break;
                case CircuitState.Closed when (ratioTripped || (_window is null && failures >= _threshold)) && Cap is { } cap && !cap.MayOpen(this):
                    // max_open_fraction: opening would exceed the cap — stay closed, in rotation at the lowest priority.
                    Volatile.Write(ref _heldUntilTicks, AddSaturating(now, _recovery).UtcTicks);
                    _window?.Reset();
                    next = entry with { ConsecutiveFailures = 0, LastErrorCategory = category, Version = entry.Version + 1 };
                    break;
                case CircuitState.Closed when ratioTripped || (_window is null && failures >= _threshold):
                    next = new CircuitStateEntry(CircuitState.Open, failures, now, AddSaturating(now, _recovery), null, category, entry.Version + 1);
                    reason = CircuitTransitionReason.FailureThresholdReached;
                    _window?.Reset();
                    break;
                case CircuitState.Closed when _window is not null:
                    // Ratio mode: the store changed under us (a peer reset it); nothing to write.
                    return null;
                case CircuitState.Closed:
                    next = entry with { ConsecutiveFailures = failures, LastErrorCategory = category, Version = entry.Version + 1 };
                    break;
                default:
                    // A late failure of a call that started before the breaker opened: note it, keep the schedule.
                    next = entry with { ConsecutiveFailures = failures, LastErrorCategory = category, Version = entry.Version + 1 };
                    break;
            }

            if (await TrySwapAsync(entry, next, propagateCancellation: false, cancellationToken).ConfigureAwait(false))
            {
                return reason is { } r ? Change(entry.State, next, r, now, category) : null;
            }
        }
    }

    /// <summary>Frees this instance's half-open probe slot without a verdict (cancellation, an uncounted failure).</summary>
    /// <param name="cancellationToken">A token to give up on store I/O (the local view is used then); never throws.</param>
    /// <returns>A task that completes when the slot is free.</returns>
    /// <remarks>Frees only a slot this instance holds: a late or repeated call never frees a peer's probe.</remarks>
    public async ValueTask ReleaseProbeAsync(CancellationToken cancellationToken)
    {
        if (!ProbeInFlight)
        {
            return;
        }

        try
        {
            while (true)
            {
                var entry = await LoadAsync(propagateCancellation: false, cancellationToken).ConfigureAwait(false);
                if (entry.State != CircuitState.HalfOpen || !HoldsLease(entry.ProbeLeaseUntil))
                {
                    return;
                }

                if (await TrySwapAsync(entry, entry with { ProbeLeaseUntil = null, Version = entry.Version + 1 }, propagateCancellation: false, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        finally
        {
            EndProbe();
        }
    }

    /// <summary>Opens the breaker by hand, for the recovery timeout.</summary>
    /// <param name="cancellationToken">The caller's token; its cancellation propagates.</param>
    /// <returns>The change.</returns>
    public async ValueTask<CircuitStateChange?> TripAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var entry = await LoadAsync(propagateCancellation: true, cancellationToken).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            var next = new CircuitStateEntry(CircuitState.Open, entry.ConsecutiveFailures, now, AddSaturating(now, _recovery), null, entry.LastErrorCategory, entry.Version + 1);
            if (await TrySwapAsync(entry, next, propagateCancellation: true, cancellationToken).ConfigureAwait(false))
            {
                return Change(entry.State, next, CircuitTransitionReason.ManualTrip, now, null);
            }
        }
    }

    /// <summary>Closes the breaker by hand and clears its failure count.</summary>
    /// <param name="cancellationToken">The caller's token; its cancellation propagates.</param>
    /// <returns>The change, or <see langword="null"/> when the breaker was already closed and clean.</returns>
    public async ValueTask<CircuitStateChange?> ResetAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var entry = await LoadAsync(propagateCancellation: true, cancellationToken).ConfigureAwait(false);
            var next = CircuitStateEntry.Initial with { Version = entry.Version + 1 };
            if (await TrySwapAsync(entry, next, propagateCancellation: true, cancellationToken).ConfigureAwait(false))
            {
                return entry.State == CircuitState.Closed && entry.ConsecutiveFailures == 0
                    ? null
                    : Change(entry.State, next, CircuitTransitionReason.ManualReset, _time.GetUtcNow(), null);
            }
        }
    }

    /// <summary>
    /// Stops following the store (push subscription or refresh timer) and stops renewing an in-flight probe's lease, so
    /// peers may take the slot once it expires. The breaker still answers afterwards (requests that started on it finish).
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _listener.Stop();
        Interlocked.Exchange(ref _renewTimer, null)?.Dispose();
    }

    private bool TrySubscribe(INotifyingCircuitStateStore store)
    {
        try
        {
            _listener.Subscription = store.Subscribe(Name, _listener.OnChanged);
            return true;
        }
#pragma warning disable CA1031 // A store that cannot subscribe is polled instead; it must not stop the client from being built.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            BreakerLog.SubscribeFailed(_logger, store.GetType().Name, Name, $"{ex.GetType().Name}: {SecretMasker.Redact(ex.Message)}", _refreshInterval.TotalMilliseconds);
            return false;
        }
    }

    private static TimeSpan ClampTimer(TimeSpan value) =>
        value < MinTimerPeriod ? MinTimerPeriod : value > MaxTimerPeriod ? MaxTimerPeriod : value;

    /// <summary>Reads the entry from the store and caches it; returns the cached entry when the store is unavailable.</summary>
    private async ValueTask<CircuitStateEntry> LoadAsync(bool propagateCancellation, CancellationToken cancellationToken)
    {
        var (ok, entry) = await CallStoreAsync(static (store, key, _, _, ct) => store.GetAsync(key, ct), null, null, propagateCancellation, cancellationToken).ConfigureAwait(false);
        if (ok && entry is not null)
        {
            Observe(entry);
            return entry;
        }

        return Cached;
    }

    /// <summary>Swaps in the store; when the store is unavailable, swaps in the local view instead.</summary>
    private async ValueTask<bool> TrySwapAsync(CircuitStateEntry expected, CircuitStateEntry next, bool propagateCancellation, CancellationToken cancellationToken)
    {
        var (ok, swapped) = await CallStoreAsync(
            static (store, key, expected, next, ct) => store.TryReplaceAsync(key, expected!, next!, ct), expected, next, propagateCancellation, cancellationToken).ConfigureAwait(false);
        if (!ok)
        {
            return TrySwapLocal(expected, next);
        }

        if (swapped)
        {
            Observe(next);
        }

        return swapped;
    }

    /// <summary>
    /// Calls the store with the store timeout. Returns (false, default) when it failed, hung, timed out or is resting after a
    /// recent failure — logging the first failure of an outage and the recovery — and when the caller cancelled and
    /// <paramref name="propagateCancellation"/> is false.
    /// </summary>
    private async ValueTask<(bool Ok, T? Value)> CallStoreAsync<T>(
        Func<ICircuitStateStore, string, CircuitStateEntry?, CircuitStateEntry?, CancellationToken, ValueTask<T>> call,
        CircuitStateEntry? first,
        CircuitStateEntry? second,
        bool propagateCancellation,
        CancellationToken cancellationToken)
    {
        if (_health is null)
        {
            return (true, await call(_store, Name, first, second, CancellationToken.None).ConfigureAwait(false));
        }

        if (_health.IsResting(_time.GetUtcNow()))
        {
            return (false, default);
        }

        using var timeout = new CancellationTokenSource(_storeTimeout, _time);
        using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token) : null;
        var token = linked?.Token ?? timeout.Token;
        try
        {
            var pending = call(_store, Name, first, second, token);

            // WaitAsync bounds a store that ignores its token, too.
            var value = pending.IsCompletedSuccessfully ? pending.Result : await pending.AsTask().WaitAsync(token).ConfigureAwait(false);
            if (_health.Succeeded())
            {
                BreakerLog.StoreRecovered(_logger, _store.GetType().Name, Name);
            }

            return (true, value);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !timeout.IsCancellationRequested)
        {
            // The caller gave up; the store is not to blame.
            if (propagateCancellation)
            {
                throw;
            }

            return (false, default);
        }
#pragma warning disable CA1031 // A store error must never fail a request: fall back to the local view and say so once.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (_health.Failed(_time.GetUtcNow(), _refreshInterval))
            {
                var reason = timeout.IsCancellationRequested
                    ? $"no answer within {_storeTimeout.TotalMilliseconds:0} ms"
                    : $"{ex.GetType().Name}: {SecretMasker.Redact(ex.Message)}";
                BreakerLog.StoreUnavailable(_logger, _store.GetType().Name, Name, reason);
            }

            return (false, default);
        }
    }

    /// <summary>The local view's compare-and-swap, used while the store is unavailable.</summary>
    private bool TrySwapLocal(CircuitStateEntry expected, CircuitStateEntry next)
    {
        var current = Cached;
        while (current.Version == expected.Version)
        {
            var seen = Interlocked.CompareExchange(ref _cachedField, next, current);
            if (ReferenceEquals(seen, current))
            {
                Volatile.Write(ref _localField, next);
                return true;
            }

            current = seen;
        }

        return false;
    }

    /// <summary>
    /// Caches an entry the store holds. Versions only grow, so a slow reader never regresses the cache — except that an
    /// entry decided locally while the store was unavailable always gives way to the store's.
    /// </summary>
    private void Observe(CircuitStateEntry entry)
    {
        var current = Cached;
        while (!ReferenceEquals(entry, current)
            && (entry.Version > current.Version || (entry.Version == 0 && current.Version == 0) || ReferenceEquals(current, Volatile.Read(ref _localField))))
        {
            var seen = Interlocked.CompareExchange(ref _cachedField, entry, current);
            if (ReferenceEquals(seen, current))
            {
                return;
            }

            current = seen;
        }
    }

    private async Task RefreshInBackgroundAsync()
    {
        try
        {
            await LoadAsync(propagateCancellation: false, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    private void OnRefreshTick()
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 0)
        {
            _ = RefreshInBackgroundAsync();
        }
    }

    /// <summary>Marks this instance's probe in flight and starts renewing its lease at half the lease.</summary>
    private void StartProbe(CircuitStateEntry entry)
    {
        Volatile.Write(ref _probeLeaseTicks, entry.ProbeLeaseUntil!.Value.UtcTicks);
        Volatile.Write(ref _probeInFlight, 1);
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        var period = ClampTimer(_probeLease / 2);
        var timer = _time.CreateTimer(static state => ((CircuitBreaker)state!).OnRenewTick(), this, period, period);
        Interlocked.Exchange(ref _renewTimer, timer)?.Dispose();
    }

    /// <summary>Ends this instance's probe: clears the marker and stops renewing.</summary>
    private void EndProbe()
    {
        Volatile.Write(ref _probeInFlight, 0);
        Volatile.Write(ref _probeLeaseTicks, 0);
        Volatile.Write(ref _pendingLeaseTicks, 0);
        Interlocked.Exchange(ref _renewTimer, null)?.Dispose();
    }

    /// <summary>Returns whether <paramref name="lease"/> is the one this instance wrote (or is writing) for its probe.</summary>
    private bool HoldsLease(DateTimeOffset? lease) =>
        lease is { } value && ProbeInFlight
        && (value.UtcTicks == Volatile.Read(ref _probeLeaseTicks) || value.UtcTicks == Volatile.Read(ref _pendingLeaseTicks));

    private void OnRenewTick()
    {
        if (Interlocked.Exchange(ref _renewing, 1) == 0)
        {
            _ = RenewLeaseAsync();
        }
    }

    private async Task RenewLeaseAsync()
    {
        try
        {
            var held = Volatile.Read(ref _probeLeaseTicks);
            if (!ProbeInFlight)
            {
                return;
            }

            var (ok, entry) = await CallStoreAsync(static (store, key, _, _, ct) => store.GetAsync(key, ct), null, null, propagateCancellation: false, CancellationToken.None).ConfigureAwait(false);
            if (!ok || entry is null)
            {
                // The store is unavailable: the local marker still keeps this instance to one probe.
                return;
            }

            Observe(entry);
            if (entry.State != CircuitState.HalfOpen || entry.ProbeLeaseUntil?.UtcTicks != held || !ProbeInFlight)
            {
                return;
            }

            var lease = AddSaturating(_time.GetUtcNow(), _probeLease);
            var next = entry with { ProbeLeaseUntil = lease, Version = entry.Version + 1 };
            Volatile.Write(ref _pendingLeaseTicks, lease.UtcTicks);
            var (written, swapped) = await CallStoreAsync(
                static (store, key, expected, next, ct) => store.TryReplaceAsync(key, expected!, next!, ct), entry, next, propagateCancellation: false, CancellationToken.None).ConfigureAwait(false);
            if (written && swapped)
            {
                Observe(next);
                Interlocked.CompareExchange(ref _probeLeaseTicks, lease.UtcTicks, held);
            }
        }
        finally
        {
            Volatile.Write(ref _renewing, 0);
        }
    }

    private CircuitStateChange Change(CircuitState from, CircuitStateEntry to, CircuitTransitionReason reason, DateTimeOffset at, ErrorCategory? category) =>
        new(Name, from, to.State, reason, at, to.ConsecutiveFailures, category, to.State == CircuitState.Open ? to.NextProbeAt : null);

    /// <summary>
    /// Receives the store's pushes and refresh ticks for a breaker without keeping it alive: a breaker nobody disposed stops
    /// following the store once it is collected.
    /// </summary>
    private sealed class Listener(CircuitBreaker breaker)
    {
        private readonly WeakReference<CircuitBreaker> _breaker = new(breaker);

        public IDisposable? Subscription { get; set; }

        public ITimer? Timer { get; set; }

        public void OnChanged(CircuitStateEntry entry)
        {
            if (_breaker.TryGetTarget(out var target))
            {
                target.Observe(entry);
            }
            else
            {
                Stop();
            }
        }

        public void OnTick()
        {
            if (_breaker.TryGetTarget(out var target))
            {
                target.OnRefreshTick();
            }
            else
            {
                Stop();
            }
        }

        public void Stop()
        {
            Subscription?.Dispose();
            Timer?.Dispose();
        }
    }
}
