namespace FlexiAI;

/// <summary>
/// The cancellation source of one attempt: it fires when the caller cancels or the attempt's deadline
/// (the attempt timeout, or what is left of the request timeout, whichever is first) passes, by the
/// client's <see cref="TimeProvider"/>.
/// </summary>
internal sealed class AttemptDeadline : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly CancellationTokenRegistration _callerRegistration;

    public AttemptDeadline(TimeProvider time, TimeSpan timeout, string description, CancellationToken callerToken)
    {
        Description = description;
        if (ReferenceEquals(time, TimeProvider.System))
        {
            _cts = callerToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(callerToken) : new CancellationTokenSource();
            if (timeout != Timeout.InfiniteTimeSpan)
            {
                _cts.CancelAfter(timeout);
            }
        }
        else
        {
            _cts = timeout == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(timeout, time);
            if (callerToken.CanBeCanceled)
            {
                _callerRegistration = callerToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), _cts);
            }
        }
    }

    public CancellationToken Token => _cts.Token;

    public bool Fired => _cts.IsCancellationRequested;

    /// <summary>Gets what the deadline currently bounds, for the timeout message (e.g. "the attempt timeout of 60 s").</summary>
    public string Description { get; private set; }

    /// <summary>Restarts the deadline with a new timeout (a stream's idle timeout between updates). Allocation-free.</summary>
    public void Rearm(TimeSpan timeout, string description)
    {
        Description = description;
        _cts.CancelAfter(timeout);
    }

    public void Dispose()
    {
        _callerRegistration.Dispose();
        _cts.Dispose();
    }
}
