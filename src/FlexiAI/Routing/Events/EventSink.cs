using Microsoft.Extensions.Logging;

namespace FlexiAI;

/// <summary>
/// The one place the request loop reports to. Logging, hooks and status are subscribers; metrics, tracing and cost
/// become subscribers too, without touching the loop. The loop asks <see cref="Wants"/> before it builds an event,
/// so an event nobody listens for costs a few virtual calls and no allocation.
/// </summary>
internal sealed class EventSink
{
    private readonly ILogger _logger;
    private RequestEventSubscriber[] _subscribers;

    public EventSink(ILogger logger, params RequestEventSubscriber[] subscribers)
    {
        _logger = logger;
        _subscribers = subscribers;
    }

    /// <summary>Adds a subscriber after the ones already there (thread-safe; requests already running may miss it).</summary>
    public void Subscribe(RequestEventSubscriber subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        while (true)
        {
            var current = Volatile.Read(ref _subscribers);
            if (ReferenceEquals(Interlocked.CompareExchange(ref _subscribers, [.. current, subscriber], current), current))
            {
                return;
            }
        }
    }

    /// <summary>Returns whether any subscriber wants events of <paramref name="kind"/> now.</summary>
    public bool Wants(RequestEventKinds kind)
    {
        var subscribers = Volatile.Read(ref _subscribers);
        for (var i = 0; i < subscribers.Length; i++)
        {
            if (subscribers[i].Wants(kind))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Delivers <paramref name="e"/> to every subscriber that wants it, in order. A subscriber that throws is logged and skipped.</summary>
    /// <exception cref="OperationCanceledException">The caller cancelled while a subscriber was running.</exception>
    public async ValueTask PublishAsync<TEvent>(TEvent e, CancellationToken cancellationToken)
        where TEvent : struct, IRequestEvent<TEvent>
    {
        var subscribers = Volatile.Read(ref _subscribers);
        for (var i = 0; i < subscribers.Length; i++)
        {
            var subscriber = subscribers[i];
            if (!subscriber.Wants(TEvent.Kind))
            {
                continue;
            }

            try
            {
                await TEvent.DeliverAsync(subscriber, e, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // A broken subscriber must never fail a request.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.SubscriberFailed(_logger, subscriber.GetType().Name, TEvent.Kind, SecretMasker.Redact(ex.GetType().Name + ": " + ex.Message));
            }
        }
    }
}
