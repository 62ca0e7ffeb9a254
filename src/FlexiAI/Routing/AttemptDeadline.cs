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

    public AttemptDeadline(TimeProvider time, TimeSpan timeout, CancellationToken callerToken)
    {
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

    /// <summary>Stops the deadline (a stream that delivered its first update is no longer bound by it).</summary>
    public void Disarm() => _cts.CancelAfter(Timeout.InfiniteTimeSpan);

    public void Dispose()
    {
        _callerRegistration.Dispose();
        _cts.Dispose();
    }
}
