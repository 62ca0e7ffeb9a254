namespace FlexiAI;

/// <summary>
/// A subscriber of the <see cref="EventSink"/>: logging, hooks and status today; metrics, tracing and cost next.
/// Override the events you handle and say so in <see cref="Wants"/>; the sink never builds or delivers an event
/// that no subscriber wants.
/// </summary>
/// <remarks>
/// Handlers run on the request's path, in subscription order: they must be quick and must not throw (the sink
/// catches and logs what escapes, so a broken subscriber never fails a request).
/// </remarks>
internal abstract class RequestEventSubscriber
{
    /// <summary>Returns whether this subscriber handles <paramref name="kind"/> right now (may change over time, e.g. hooks added later).</summary>
    public abstract bool Wants(RequestEventKinds kind);

    public virtual ValueTask OnRequestStartedAsync(RequestStarted e, CancellationToken cancellationToken) => default;

    public virtual ValueTask OnAttemptStartedAsync(AttemptStarted e, CancellationToken cancellationToken) => default;

    public virtual ValueTask OnAttemptSucceededAsync(AttemptSucceeded e, CancellationToken cancellationToken) => default;

    public virtual ValueTask OnAttemptFailedAsync(AttemptFailed e, CancellationToken cancellationToken) => default;

    public virtual ValueTask OnAttemptCancelledAsync(AttemptCancelled e, CancellationToken cancellationToken) => default;

    public virtual ValueTask OnProviderSkippedAsync(ProviderSkipped e, CancellationToken cancellationToken) => default;

    public virtual ValueTask OnFailedOverAsync(FailedOver e, CancellationToken cancellationToken) => default;

    public virtual ValueTask OnCircuitChangedAsync(CircuitChanged e, CancellationToken cancellationToken) => default;

    public virtual ValueTask OnStreamContinuedAsync(StreamContinued e, CancellationToken cancellationToken) => default;

    public virtual ValueTask OnWaitingForRecoveryAsync(WaitingForRecovery e, CancellationToken cancellationToken) => default;

    public virtual ValueTask OnRequestCompletedAsync(RequestCompleted e, CancellationToken cancellationToken) => default;

    public virtual ValueTask OnStreamAbandonedAsync(StreamAbandoned e, CancellationToken cancellationToken) => default;
    public virtual ValueTask OnCacheLookupAsync(CacheLookedUp e, CancellationToken cancellationToken) => default;
}
