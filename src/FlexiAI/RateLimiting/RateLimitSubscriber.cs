namespace FlexiAI;

/// <summary>
/// Corrects token rate limits from actual usage: when an attempt that reserved tokens (its estimate) ends with the usage its
/// provider reported — an answer, or a stream cut after some output — the window is corrected by (actual − estimate), so a
/// request that used more than estimated consumes what it used and one that used less gives the rest back. Subscribed once
/// by the first provider set with a <c>tokens_per_minute</c> limit.
/// </summary>
/// <remarks>An attempt that ends without usage keeps its reservation (the provider may have counted it).</remarks>
internal sealed class RateLimitSubscriber : RequestEventSubscriber
{
    public override bool Wants(RequestEventKinds kind) => kind is RequestEventKinds.AttemptSucceeded or RequestEventKinds.AttemptFailed;

    public override ValueTask OnAttemptSucceededAsync(AttemptSucceeded e, CancellationToken cancellationToken)
    {
        Correct(e.Request, e.Provider, e.Usage);
        return default;
    }

    public override ValueTask OnAttemptFailedAsync(AttemptFailed e, CancellationToken cancellationToken)
    {
        Correct(e.Request, e.Provider, e.Usage);
        return default;
    }

    private static void Correct(RequestState request, RoutedProvider provider, Microsoft.Extensions.AI.UsageDetails? usage)
    {
        if (request.TokenReservation is not { } reservation || !ReferenceEquals(reservation.Gate.Provider, provider))
        {
            return;
        }

        request.TokenReservation = null;
        if (RateLimitGate.ActualTokens(usage) is { } actual)
        {
            reservation.Gate.Correct(reservation, actual);
        }
    }
}
