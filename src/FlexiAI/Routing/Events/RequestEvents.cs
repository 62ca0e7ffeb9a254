using Microsoft.Extensions.AI;

namespace FlexiAI;

// The typed events of one request, reported once each by the request loop to the EventSink.
// They are structs over data the loop already holds, so reporting one allocates nothing; subscribers
// that keep an event copy what they need.

/// <summary>A request entered the loop (after validation); <see cref="Model"/> is the first provider's model (the one tried first).</summary>
internal readonly record struct RequestStarted(RequestState Request, bool Streaming, string? Model) : IRequestEvent<RequestStarted>
{
    public static RequestEventKinds Kind => RequestEventKinds.RequestStarted;

    public static ValueTask DeliverAsync(RequestEventSubscriber subscriber, RequestStarted e, CancellationToken cancellationToken) => subscriber.OnRequestStartedAsync(e, cancellationToken);
}

/// <summary>An attempt on a provider is about to be sent.</summary>
internal readonly record struct AttemptStarted(RequestState Request, RoutedProvider Provider, int Attempt) : IRequestEvent<AttemptStarted>
{
    public static RequestEventKinds Kind => RequestEventKinds.AttemptStarted;

    public static ValueTask DeliverAsync(RequestEventSubscriber subscriber, AttemptStarted e, CancellationToken cancellationToken) => subscriber.OnAttemptStartedAsync(e, cancellationToken);
}

/// <summary>
/// An attempt succeeded (for streams: the stream completed with its terminal event). <see cref="Usage"/> is the token usage this
/// provider reported for this attempt (what it billed), <see cref="ResponseModel"/> the model the provider reported (null when it
/// reported none), <see cref="TimeToFirstToken"/> for streams the time from the attempt's start to its first update.
/// </summary>
internal readonly record struct AttemptSucceeded(RequestState Request, RoutedProvider Provider, int Attempt, TimeSpan Latency, UsageDetails? Usage = null, string? ResponseModel = null, TimeSpan? TimeToFirstToken = null) : IRequestEvent<AttemptSucceeded>
{
    public static RequestEventKinds Kind => RequestEventKinds.AttemptSucceeded;

    public static ValueTask DeliverAsync(RequestEventSubscriber subscriber, AttemptSucceeded e, CancellationToken cancellationToken) => subscriber.OnAttemptSucceededAsync(e, cancellationToken);
}

/// <summary>An attempt failed; <see cref="Decision"/> says what the loop does next; <see cref="Usage"/> is what the provider reported before failing (a cut stream), when anything.</summary>
internal readonly record struct AttemptFailed(RequestState Request, RoutedProvider Provider, ProviderException Error, TimeSpan Latency, AttemptOutcome Outcome, AttemptDecision Decision, TimeSpan RetryAfterCap, UsageDetails? Usage = null) : IRequestEvent<AttemptFailed>
{
    public static RequestEventKinds Kind => RequestEventKinds.AttemptFailed;

    public static ValueTask DeliverAsync(RequestEventSubscriber subscriber, AttemptFailed e, CancellationToken cancellationToken) => subscriber.OnAttemptFailedAsync(e, cancellationToken);
}

/// <summary>The caller cancelled the request during an attempt.</summary>
internal readonly record struct AttemptCancelled(RequestState Request, RoutedProvider Provider, int Attempt, TimeSpan Latency) : IRequestEvent<AttemptCancelled>
{
    public static RequestEventKinds Kind => RequestEventKinds.AttemptCancelled;

    public static ValueTask DeliverAsync(RequestEventSubscriber subscriber, AttemptCancelled e, CancellationToken cancellationToken) => subscriber.OnAttemptCancelledAsync(e, cancellationToken);
}

/// <summary>An admission gate skipped a provider without a call.</summary>
internal readonly record struct ProviderSkipped(RequestState Request, RoutedProvider Provider, Admission Admission) : IRequestEvent<ProviderSkipped>
{
    public static RequestEventKinds Kind => RequestEventKinds.ProviderSkipped;

    public static ValueTask DeliverAsync(RequestEventSubscriber subscriber, ProviderSkipped e, CancellationToken cancellationToken) => subscriber.OnProviderSkippedAsync(e, cancellationToken);
}

/// <summary>The request moves from one provider to the next.</summary>
internal readonly record struct FailedOver(RequestState Request, RoutedProvider From, RoutedProvider To, Exception? LastError) : IRequestEvent<FailedOver>
{
    public static RequestEventKinds Kind => RequestEventKinds.FailedOver;

    public static ValueTask DeliverAsync(RequestEventSubscriber subscriber, FailedOver e, CancellationToken cancellationToken) => subscriber.OnFailedOverAsync(e, cancellationToken);
}

/// <summary>A circuit breaker changed state; <see cref="CorrelationId"/> is empty for changes made by hand.</summary>
internal readonly record struct CircuitChanged(CircuitStateChange Change, string CorrelationId, string? Model) : IRequestEvent<CircuitChanged>
{
    public static RequestEventKinds Kind => RequestEventKinds.CircuitChanged;

    public static ValueTask DeliverAsync(RequestEventSubscriber subscriber, CircuitChanged e, CancellationToken cancellationToken) => subscriber.OnCircuitChangedAsync(e, cancellationToken);
}

/// <summary>A stream interrupted after output reached the caller goes on on the next provider.</summary>
internal readonly record struct StreamContinued(RequestState Request, RoutedProvider From, int Offset) : IRequestEvent<StreamContinued>
{
    public static RequestEventKinds Kind => RequestEventKinds.StreamContinued;

    public static ValueTask DeliverAsync(RequestEventSubscriber subscriber, StreamContinued e, CancellationToken cancellationToken) => subscriber.OnStreamContinuedAsync(e, cancellationToken);
}

/// <summary>Every provider was skipped by an open breaker; the loop waits for the first to reach half-open.</summary>
internal readonly record struct WaitingForRecovery(RequestState Request, TimeSpan Wait) : IRequestEvent<WaitingForRecovery>
{
    public static RequestEventKinds Kind => RequestEventKinds.WaitingForRecovery;

    public static ValueTask DeliverAsync(RequestEventSubscriber subscriber, WaitingForRecovery e, CancellationToken cancellationToken) => subscriber.OnWaitingForRecoveryAsync(e, cancellationToken);
}

/// <summary>A request ended: answered (<see cref="Error"/> is null) or failed.</summary>
internal readonly record struct RequestCompleted(RequestState Request, RouteReport Route, ChatResponse? Response, Exception? Error) : IRequestEvent<RequestCompleted>
{
    public static RequestEventKinds Kind => RequestEventKinds.RequestCompleted;

    public static ValueTask DeliverAsync(RequestEventSubscriber subscriber, RequestCompleted e, CancellationToken cancellationToken) => subscriber.OnRequestCompletedAsync(e, cancellationToken);
}
