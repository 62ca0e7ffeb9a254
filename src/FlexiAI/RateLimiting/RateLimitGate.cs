using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace FlexiAI;

/// <summary>
/// Client-side rate limits as an admission gate: no room → the provider is skipped with the time it has room again (or the request
/// waits up to <see cref="RateLimitOptions.MaxWait"/>). With a shared store the fleet's window is used (one round trip per limit per
/// request); while that store fails, the per-process window is (fail open to the local limit), and the store rests for a second.
/// Tokens are reserved from the request's estimate and corrected from the usage its provider reports (<see cref="RateLimitSubscriber"/>).
/// </summary>
internal sealed class RateLimitGate(
    RoutedProvider provider,
    RateLimitOptions limit,
    LocalRateWindow? requests,
    LocalRateWindow? tokens,
    IRateLimitStore? shared,
    TimeProvider time,
    TimeSpan storeTimeout,
    ILogger logger) : AdmissionGate
{
    private static readonly TimeSpan Rest = TimeSpan.FromSeconds(1);
    private long _restUntilTicks;

    /// <summary>Gets the provider this gate limits.</summary>
    public RoutedProvider Provider => provider;

    /// <summary>Gets the limit.</summary>
    public RateLimitOptions Limit => limit;

    public override async ValueTask<Admission> AdmitAsync(RequestState request, CancellationToken cancellationToken)
    {
        var tokenCount = limit.TokensPerMinute is { } tokenLimit ? Math.Clamp(Estimate(request), 1, tokenLimit) : 0;
        var deadline = CircuitBreaker.AddSaturating(time.GetUtcNow(), limit.MaxWait);
        while (true)
        {
            var (taken, retryAt, which, reservation) = await TryTakeAsync(tokenCount, cancellationToken).ConfigureAwait(false);
            if (taken)
            {
                request.TokenReservation = reservation;
                return Admission.Allow;
            }

            var now = time.GetUtcNow();
            if (limit.MaxWait > TimeSpan.Zero && retryAt <= deadline)
            {
                var wait = retryAt - now;
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1), time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var description = which == "tokens"
                ? FormattableString.Invariant($"{limit.TokensPerMinute} tokens/min")
                : FormattableString.Invariant($"{limit.RequestsPerMinute} requests/min");
            return Admission.Skip(AttemptOutcome.Skipped, $"rate limit: {description}", retryAt, new RateLimitExceededException(provider.Name, description, retryAt));
        }
    }

    public override ValueTask ReleaseAsync(RequestState request, Admission admission)
    {
        // No verdict and no usage: the reservation stays as estimated.
        if (request.TokenReservation is { } reservation && ReferenceEquals(reservation.Gate, this))
        {
            request.TokenReservation = null;
        }

        return default;
    }

    /// <summary>The tokens a request reserves: its estimated input plus the output it allows (<c>MaxOutputTokens</c>).</summary>
    internal static int Estimate(RequestState request)
    {
        var input = TokenEstimator.Approximate(request.Messages, request.Options);
        var output = request.Options?.MaxOutputTokens ?? 0;
        return (int)Math.Min(int.MaxValue, (long)input + Math.Max(0, output));
    }

    /// <summary>The tokens an attempt used by its provider's report: the total, else input plus output; <see langword="null"/> when it reported none.</summary>
    internal static long? ActualTokens(UsageDetails? usage)
    {
        if (usage is null)
        {
            return null;
        }

        if (usage.TotalTokenCount is { } total)
        {
            return Math.Max(0, total);
        }

        return usage.InputTokenCount is null && usage.OutputTokenCount is null
            ? null
            : Math.Max(0, (usage.InputTokenCount ?? 0) + (usage.OutputTokenCount ?? 0));
    }

    /// <summary>
    /// Corrects a reservation to the tokens really used: the window changes by (actual − reserved). A shared store is told without
    /// waiting (one command, off the request's path); a failure there leaves the estimate counted.
    /// </summary>
    internal void Correct(TokenReservation reservation, long actual)
    {
        var delta = actual - reservation.Reserved;
        if (delta == 0)
        {
            return;
        }

        if (!reservation.Shared)
        {
            tokens?.Correct(reservation.Ticket, delta);
            return;
        }

        if (shared is null || reservation.Ticket == 0)
        {
            return;
        }

        try
        {
            var pending = shared.CorrectAsync(provider.Name + ":tokens", reservation.Ticket, reservation.Reserved, (int)Math.Min(actual, int.MaxValue), CancellationToken.None);
            if (!pending.IsCompletedSuccessfully)
            {
                _ = ObserveAsync(pending.AsTask());
            }
        }
#pragma warning disable CA1031 // A correction that fails must never fail the request: the estimate stays counted.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            CorrectionFailed(ex);
        }
    }

    /// <summary>Reads the limit's headroom: from the shared store when there is one and it answers (bounded), else this process's window.</summary>
    internal async Task<RateLimitStatus> ReadStatusAsync(CancellationToken cancellationToken)
    {
        if (shared is not null)
        {
            try
            {
                long? requestsUsed = null;
                long? tokensUsed = null;
                var answered = true;
                if (limit.RequestsPerMinute is not null)
                {
                    requestsUsed = await Bounded(shared.GetUsedAsync(provider.Name + ":requests", cancellationToken), cancellationToken).ConfigureAwait(false);
                    answered &= requestsUsed is not null;
                }

                if (limit.TokensPerMinute is not null)
                {
                    tokensUsed = await Bounded(shared.GetUsedAsync(provider.Name + ":tokens", cancellationToken), cancellationToken).ConfigureAwait(false);
                    answered &= tokensUsed is not null;
                }

                if (answered)
                {
                    return new RateLimitStatus(provider.Name, limit, requestsUsed, tokensUsed, shared: true);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The shared store does not answer: report this process's window, marked as such.
                if (logger.IsEnabled(LogLevel.Debug))
                {
                    var error = SecretMasker.Redact(ex.Message);
                    RateLimitLog.StoreFailed(logger, provider.Name, error);
                }
            }
        }

        return new RateLimitStatus(provider.Name, limit, requests?.Used, tokens?.Used, shared: false);
    }

    private async Task ObserveAsync(Task pending)
    {
        try
        {
            await pending.WaitAsync(storeTimeout, time).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Observed off the request's path: a failed correction is logged, never thrown.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            CorrectionFailed(ex);
        }
    }

    private void CorrectionFailed(Exception ex)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var error = SecretMasker.Redact(ex.Message);
            RateLimitLog.CorrectionFailed(logger, provider.Name, error);
        }
    }

    private async ValueTask<(bool Taken, DateTimeOffset RetryAt, string Which, TokenReservation? Reservation)> TryTakeAsync(int tokenCount, CancellationToken cancellationToken)
    {
        if (shared is not null && time.GetUtcNow().UtcTicks >= Volatile.Read(ref _restUntilTicks))
        {
            try
            {
                if (limit.RequestsPerMinute is { } r)
                {
                    var decision = await Bounded(shared.TryAcquireAsync(provider.Name + ":requests", 1, r, cancellationToken), cancellationToken).ConfigureAwait(false);
                    if (!decision.Acquired)
                    {
                        return (false, time.GetUtcNow() + decision.RetryAfter, "requests", null);
                    }
                }

                TokenReservation? reservation = null;
                if (limit.TokensPerMinute is { } t)
                {
                    var decision = await Bounded(shared.TryAcquireAsync(provider.Name + ":tokens", tokenCount, t, cancellationToken), cancellationToken).ConfigureAwait(false);
                    if (!decision.Acquired)
                    {
                        return (false, time.GetUtcNow() + decision.RetryAfter, "tokens", null);
                    }

                    reservation = new TokenReservation(this, tokenCount, Shared: true, decision.Reservation);
                }

                return (true, default, string.Empty, reservation);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The shared store is down: this process limits itself until it answers again (the store logs the outage once).
                Volatile.Write(ref _restUntilTicks, CircuitBreaker.AddSaturating(time.GetUtcNow(), Rest).UtcTicks);
                if (logger.IsEnabled(LogLevel.Debug))
                {
                    var error = SecretMasker.Redact(ex.Message);
                    RateLimitLog.StoreFailed(logger, provider.Name, error);
                }
            }
        }

        if (requests is not null && !requests.TryTake(1, out var requestsRetry))
        {
            return (false, requestsRetry, "requests", null);
        }

        if (tokens is not null)
        {
            if (!tokens.TryTake(tokenCount, out var tokensRetry, out var segment))
            {
                return (false, tokensRetry, "tokens", null);
            }

            return (true, default, string.Empty, new TokenReservation(this, tokenCount, Shared: false, segment));
        }

        return (true, default, string.Empty, null);
    }

    private async ValueTask<T> Bounded<T>(ValueTask<T> pending, CancellationToken cancellationToken)
    {
        if (pending.IsCompletedSuccessfully)
        {
            return pending.Result;
        }

        return await pending.AsTask().WaitAsync(storeTimeout, time, cancellationToken).ConfigureAwait(false);
    }
}
