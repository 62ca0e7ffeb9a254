using Microsoft.Extensions.Logging;

namespace FlexiAI;

/// <summary>Writes FlexiAI's log from the request events, each inside a scope carrying the request's correlation id.</summary>
internal sealed class LoggingSubscriber(ILogger logger) : RequestEventSubscriber
{
    public override bool Wants(RequestEventKinds kind) => kind switch
    {
        RequestEventKinds.AttemptStarted or RequestEventKinds.AttemptCancelled or RequestEventKinds.ProviderSkipped => logger.IsEnabled(LogLevel.Debug),
        RequestEventKinds.AttemptSucceeded or RequestEventKinds.StreamContinued or RequestEventKinds.WaitingForRecovery => logger.IsEnabled(LogLevel.Information),
        RequestEventKinds.AttemptFailed or RequestEventKinds.FailedOver or RequestEventKinds.CircuitChanged => logger.IsEnabled(LogLevel.Warning),
        RequestEventKinds.RequestCompleted => logger.IsEnabled(LogLevel.Error),
        _ => false,
    };

    public override ValueTask OnAttemptStartedAsync(AttemptStarted e, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(e.Request.LogScope);
        Log.AttemptStarting(logger, e.Request.CorrelationId, e.Provider.Name, e.Provider.Model, e.Attempt);
        return default;
    }

    public override ValueTask OnAttemptSucceededAsync(AttemptSucceeded e, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(e.Request.LogScope);
        Log.AttemptSucceeded(logger, e.Request.CorrelationId, e.Provider.Name, e.Attempt, e.Latency.TotalMilliseconds);
        return default;
    }

    public override ValueTask OnAttemptFailedAsync(AttemptFailed e, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(e.Request.LogScope);
        var id = e.Request.CorrelationId;
        var error = e.Error;
        Log.AttemptFailed(logger, id, e.Provider.Name, error.AttemptNumber, error.Category, error.StatusCode, e.Latency.TotalMilliseconds, error.ProviderMessage);
        if (e.Decision.RetryAfterAboveCap && error.RetryAfter is { } retryAfter)
        {
            Log.RetryAfterAboveCap(logger, id, e.Provider.Name, retryAfter.TotalMilliseconds, e.RetryAfterCap.TotalMilliseconds);
        }

        if (e.Decision.Kind == AttemptDecisionKind.Retry)
        {
            Log.Retrying(logger, id, e.Provider.Name, e.Decision.Delay.TotalMilliseconds, error.AttemptNumber + 1, e.Provider.MaxAttempts);
        }

        return default;
    }

    public override ValueTask OnAttemptCancelledAsync(AttemptCancelled e, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(e.Request.LogScope);
        Log.CallerCancelled(logger, e.Request.CorrelationId, e.Provider.Name);
        return default;
    }

    public override ValueTask OnProviderSkippedAsync(ProviderSkipped e, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(e.Request.LogScope);
        if (e.Admission.SkipOutcome == AttemptOutcome.SkippedCircuitOpen && e.Admission.SkipError is CircuitOpenException open)
        {
            Log.SkippedOpenCircuit(logger, e.Request.CorrelationId, e.Provider.Name, open.State);
        }
        else
        {
            Log.Skipped(logger, e.Request.CorrelationId, e.Provider.Name, e.Admission.Reason ?? "skipped");
        }

        return default;
    }

    public override ValueTask OnFailedOverAsync(FailedOver e, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(e.Request.LogScope);
        Log.FailingOver(logger, e.Request.CorrelationId, e.From.Name, e.To.Name, (e.LastError as ProviderException)?.Category ?? ErrorCategory.Unknown);
        return default;
    }

    public override ValueTask OnCircuitChangedAsync(CircuitChanged e, CancellationToken cancellationToken)
    {
        var change = e.Change;
        Log.CircuitChanged(logger, change.Provider, change.From, change.To, change.Reason, change.ConsecutiveFailures);
        return default;
    }

    public override ValueTask OnStreamContinuedAsync(StreamContinued e, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(e.Request.LogScope);
        Log.StreamContinued(logger, e.Request.CorrelationId, e.From.Name, e.Offset);
        return default;
    }

    public override ValueTask OnWaitingForRecoveryAsync(WaitingForRecovery e, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(e.Request.LogScope);
        Log.WaitingForRecovery(logger, e.Request.CorrelationId, e.Wait.TotalMilliseconds);
        return default;
    }

    public override ValueTask OnRequestCompletedAsync(RequestCompleted e, CancellationToken cancellationToken)
    {
        if (e.Error is AllProvidersFailedException)
        {
            using var scope = logger.BeginScope(e.Request.LogScope);
            Log.AllFailed(logger, e.Request.CorrelationId, e.Route.Attempts.Count);
        }

        return default;
    }
}
