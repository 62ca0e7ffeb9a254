namespace FlexiAI;

/// <summary>
/// The cancellation source of one attempt, by the client's <see cref="TimeProvider"/>: it fires when the caller
/// cancels, when the attempt's own limit passes (attempt timeout, time to first token, then the idle timeout between
/// stream updates), or when the whole-request timeout passes — whichever is first, always.
/// </summary>
internal sealed class AttemptDeadline : IDisposable
{
    /// <summary>The longest delay a timer takes (<see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/>); longer is treated as infinite.</summary>
    internal static readonly TimeSpan MaxTimer = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly CancellationTokenSource _cts;
    private readonly CancellationTokenRegistration _callerRegistration;
    private readonly DeadlinePool _pool;
    private readonly RequestState _request;
    private int _disposed;

    public AttemptDeadline(DeadlinePool pool, RequestState request, TimeSpan timeout, string description)
    {
        _pool = pool;
        _request = request;
        Description = description;
        _cts = pool.Rent();
        _cts.CancelAfter(Bound(timeout, request.Remaining(pool.Time)));
        var callerToken = request.CallerToken;
        if (callerToken.CanBeCanceled)
        {
            _callerRegistration = callerToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), _cts);
        }
    }

    public CancellationToken Token => _cts.Token;

    public bool Fired => _cts.IsCancellationRequested;

    /// <summary>Gets what the attempt's own limit currently is, for the timeout message (e.g. "attempt timeout of 60 s").</summary>
    public string Description { get; private set; }

    /// <summary>
    /// Restarts the attempt's own limit with <paramref name="timeout"/> (a stream's idle timeout between updates),
    /// never past the request timeout. Allocation-free.
    /// </summary>
    public void Rearm(TimeSpan timeout, string description)
    {
        Description = description;
        if (Volatile.Read(ref _disposed) == 0)
        {
            _cts.CancelAfter(Bound(timeout, _request.Remaining(_pool.Time)));
        }
    }

    /// <summary>Ends the attempt: its source goes back to the pool (reset) unless it fired.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _callerRegistration.Dispose();
        _pool.Return(_cts);
    }

    /// <summary>The earlier of the attempt's limit and what is left of the request, as a delay a timer accepts.</summary>
    internal static TimeSpan Bound(TimeSpan limit, TimeSpan remaining)
    {
        var delay = limit == Timeout.InfiniteTimeSpan || (remaining != Timeout.InfiniteTimeSpan && remaining < limit) ? remaining : limit;
        return delay == Timeout.InfiniteTimeSpan || delay > MaxTimer ? Timeout.InfiniteTimeSpan : delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
    }
}
