using Microsoft.Extensions.Logging;

namespace FlexiAI;

/// <summary>
/// Client-side rate limits as an admission gate: no room → the provider is skipped with the time it has room again (or the request
/// waits up to <see cref="RateLimitOptions.MaxWait"/>). With a shared store the fleet's window is used (one round trip per limit per
/// request); while that store fails, the per-process window is (fail open to the local limit), and the store rests for a second.
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

    public override async ValueTask<Admission> AdmitAsync(RequestState request, CancellationToken cancellationToken)
    {
        var tokenCount = limit.TokensPerMinute is { } tokenLimit ? Math.Clamp(Estimate(request), 1, tokenLimit) : 0;
        var deadline = CircuitBreaker.AddSaturating(time.GetUtcNow(), limit.MaxWait);
        while (true)
        {
            var (taken, retryAt, which) = await TryTakeAsync(tokenCount, cancellationToken).ConfigureAwait(false);
            if (taken)
            {
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

    /// <summary>The tokens a request reserves: its estimated input plus the output it allows (<c>MaxOutputTokens</c>).</summary>
    internal static int Estimate(RequestState request)
    {
        var input = TokenEstimator.Approximate(request.Messages, request.Options);
        var output = request.Options?.MaxOutputTokens ?? 0;
        return (int)Math.Min(int.MaxValue, (long)input + Math.Max(0, output));
    }

    private async ValueTask<(bool Taken, DateTimeOffset RetryAt, string Which)> TryTakeAsync(int tokenCount, CancellationToken cancellationToken)
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
                        return (false, time.GetUtcNow() + decision.RetryAfter, "requests");
                    }
                }

                if (limit.TokensPerMinute is { } t)
                {
                    var decision = await Bounded(shared.TryAcquireAsync(provider.Name + ":tokens", tokenCount, t, cancellationToken), cancellationToken).ConfigureAwait(false);
                    if (!decision.Acquired)
                    {
                        return (false, time.GetUtcNow() + decision.RetryAfter, "tokens");
                    }
                }

                return (true, default, string.Empty);
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
            return (false, requestsRetry, "requests");
        }

        if (tokens is not null && !tokens.TryTake(tokenCount, out var tokensRetry))
        {
            return (false, tokensRetry, "tokens");
        }

        return (true, default, string.Empty);
    }

    private async ValueTask<RateLimitDecision> Bounded(ValueTask<RateLimitDecision> pending, CancellationToken cancellationToken)
    {
        if (pending.IsCompletedSuccessfully)
        {
            return pending.Result;
        }

        return await pending.AsTask().WaitAsync(storeTimeout, time, cancellationToken).ConfigureAwait(false);
    }
}
