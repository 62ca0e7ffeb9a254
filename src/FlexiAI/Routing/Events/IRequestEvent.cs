namespace FlexiAI;

/// <summary>Ties an event type to its kind and to the subscriber method that handles it (static, so delivery is generic and allocation-free).</summary>
/// <typeparam name="TSelf">The event type.</typeparam>
internal interface IRequestEvent<TSelf>
    where TSelf : struct, IRequestEvent<TSelf>
{
    /// <summary>Gets the event's kind.</summary>
    static abstract RequestEventKinds Kind { get; }

    /// <summary>Delivers the event to the subscriber's handler for it.</summary>
    static abstract ValueTask DeliverAsync(RequestEventSubscriber subscriber, TSelf e, CancellationToken cancellationToken);
}
