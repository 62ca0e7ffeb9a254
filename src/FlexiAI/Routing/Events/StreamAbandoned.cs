namespace FlexiAI;

/// <summary>
/// The caller stopped reading a stream before its end (it disposed the enumerator, e.g. left <c>await foreach</c> early) while an
/// attempt was streaming: the request ends with no verdict on the provider. <see cref="Latency"/> is the attempt's time so far,
/// <see cref="Cancelled"/> whether the caller's token was cancelled by then (the caller cancelled, then stopped reading).
/// Reported once, in place of <see cref="AttemptSucceeded"/>/<see cref="RequestCompleted"/>; subscribers end and count the request.
/// </summary>
internal readonly record struct StreamAbandoned(RequestState Request, RoutedProvider Provider, int Attempt, TimeSpan Latency, bool Cancelled) : IRequestEvent<StreamAbandoned>
{
    public static RequestEventKinds Kind => RequestEventKinds.StreamAbandoned;

    public static ValueTask DeliverAsync(RequestEventSubscriber subscriber, StreamAbandoned e, CancellationToken cancellationToken) => subscriber.OnStreamAbandonedAsync(e, cancellationToken);
}
