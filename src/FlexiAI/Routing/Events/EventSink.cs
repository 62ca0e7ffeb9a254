using Microsoft.Extensions.Logging;

namespace FlexiAI;

// Synchronous fast paths: every ValueTask here is consumed exactly once — its Result read when it completed
// synchronously, otherwise handed to one async continuation that awaits it. CA2012 cannot see that.
#pragma warning disable CA2012

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
    public ValueTask PublishAsync<TEvent>(TEvent e, CancellationToken cancellationToken)
        where TEvent : struct, IRequestEvent<TEvent>
    {
        // Subscribers that finish synchronously (the built-in ones do) cost no async machinery; the first one that does
        // not (or that throws) hands the rest of the delivery to the async path.
        var subscribers = Volatile.Read(ref _subscribers);
        for (var i = 0; i < subscribers.Length; i++)
        {
            var subscriber = subscribers[i];
            if (!subscriber.Wants(TEvent.Kind))
            {
                continue;
            }

            ValueTask delivery;
            try
            {
                delivery = TEvent.DeliverAsync(subscriber, e, cancellationToken);
            }
#pragma warning disable CA1031 // A broken subscriber must never fail a request; the async path reports it.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                delivery = ValueTask.FromException(ex);
            }

            if (!delivery.IsCompletedSuccessfully)
            {
                return PublishSlowAsync(delivery, subscribers, i, e, cancellationToken);
            }
        }

        return default;
    }

    private async ValueTask PublishSlowAsync<TEvent>(ValueTask pending, RequestEventSubscriber[] subscribers, int index, TEvent e, CancellationToken cancellationToken)
        where TEvent : struct, IRequestEvent<TEvent>
    {
        for (var i = index; i < subscribers.Length; i++)
        {
            var subscriber = subscribers[i];
            if (i != index && !subscriber.Wants(TEvent.Kind))
            {
                continue;
            }

            try
            {
                await (i == index ? pending : TEvent.DeliverAsync(subscriber, e, cancellationToken)).ConfigureAwait(false);
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
