using System.Diagnostics;

namespace FlexiAI;

/// <summary>
/// Records FlexiAI's <see cref="System.Diagnostics.Metrics.Meter"/> instruments from the request events. It wants an
/// event only while some listener has enabled an instrument it feeds, so with nobody listening no event is built for it.
/// Tags are <see cref="TagList"/>s of cached strings: recording allocates nothing of its own.
/// </summary>
internal sealed class MetricsSubscriber(FlexiAIInstruments instruments, TimeProvider time) : RequestEventSubscriber
{
    public override bool Wants(RequestEventKinds kind) => kind switch
    {
        RequestEventKinds.AttemptSucceeded => instruments.Attempts.Enabled || instruments.AttemptDuration.Enabled || instruments.TimeToFirstToken.Enabled
            || instruments.Requests.Enabled || instruments.OperationDuration.Enabled || instruments.TokenUsage.Enabled,
        RequestEventKinds.AttemptFailed => instruments.Attempts.Enabled || instruments.AttemptDuration.Enabled || instruments.Retries.Enabled,
        RequestEventKinds.AttemptCancelled => instruments.Attempts.Enabled || instruments.AttemptDuration.Enabled,
        RequestEventKinds.ProviderSkipped => instruments.Skips.Enabled,
        RequestEventKinds.FailedOver => instruments.Failovers.Enabled,
        RequestEventKinds.CircuitChanged => instruments.CircuitTransitions.Enabled,
        RequestEventKinds.RequestCompleted => instruments.Requests.Enabled || instruments.OperationDuration.Enabled,
        RequestEventKinds.StreamAbandoned => instruments.Requests.Enabled || instruments.Attempts.Enabled || instruments.AttemptDuration.Enabled,
        RequestEventKinds.CacheLookup => instruments.CacheRequests.Enabled,
        _ => false,
    };

    public override ValueTask OnCacheLookupAsync(CacheLookedUp e, CancellationToken cancellationToken)
    {
        instruments.CacheRequests.Add(1, new TagList { { "flexiai.cache.result", e.ResultTag }, { "flexiai.cache.backend", e.Backend } });
        return default;
    }

    public override ValueTask OnAttemptSucceededAsync(AttemptSucceeded e, CancellationToken cancellationToken)
    {
        var provider = e.Provider;
        var genAIProvider = TelemetryTags.GenAIProvider(provider.Options.EffectiveType);
        var attempt = new TagList
        {
            { TelemetryTags.Provider, provider.Name },
            { TelemetryTags.ProviderName, genAIProvider },
            { TelemetryTags.Outcome, TelemetryTags.Success },
        };
        instruments.Attempts.Add(1, attempt);
        instruments.AttemptDuration.Record(e.Latency.TotalSeconds, attempt);
        if (e.TimeToFirstToken is { } ttft)
        {
            instruments.TimeToFirstToken.Record(ttft.TotalSeconds, new TagList
            {
                { TelemetryTags.Provider, provider.Name },
                { TelemetryTags.ProviderName, genAIProvider },
                { TelemetryTags.RequestModel, provider.Model },
            });
        }

        // The request ends with this attempt: its request-level measurements are taken here, where the answering provider is known.
        instruments.Requests.Add(1, new TagList
        {
            { TelemetryTags.Outcome, TelemetryTags.Success },
            { TelemetryTags.Provider, provider.Name },
        });
        var request = new TagList
        {
            { TelemetryTags.OperationName, TelemetryTags.Chat },
            { TelemetryTags.ProviderName, genAIProvider },
            { TelemetryTags.RequestModel, provider.Model },
            { TelemetryTags.ResponseModel, e.ResponseModel ?? provider.Model },
            { TelemetryTags.Provider, provider.Name },
        };
        if (instruments.OperationDuration.Enabled)
        {
            instruments.OperationDuration.Record(time.GetElapsedTime(e.Request.StartTimestamp).TotalSeconds, request);
        }

        if (e.Usage is { } usage && instruments.TokenUsage.Enabled)
        {
            if (usage.InputTokenCount is { } input)
            {
                request.Add(TelemetryTags.TokenType, TelemetryTags.Input);
                instruments.TokenUsage.Record(Clamp(input), request);
                request[request.Count - 1] = new(TelemetryTags.TokenType, TelemetryTags.Output);
            }
            else
            {
                request.Add(TelemetryTags.TokenType, TelemetryTags.Output);
            }

            if (usage.OutputTokenCount is { } output)
            {
                instruments.TokenUsage.Record(Clamp(output), request);
            }
        }

        return default;
    }

    public override ValueTask OnAttemptFailedAsync(AttemptFailed e, CancellationToken cancellationToken)
    {
        var provider = e.Provider;
        var errorType = TelemetryTags.Category(e.Error.Category);
        var tags = new TagList
        {
            { TelemetryTags.Provider, provider.Name },
            { TelemetryTags.ProviderName, TelemetryTags.GenAIProvider(provider.Options.EffectiveType) },
            { TelemetryTags.Outcome, TelemetryTags.OutcomeOf(e.Outcome) },
            { TelemetryTags.ErrorType, errorType },
        };
        instruments.Attempts.Add(1, tags);
        instruments.AttemptDuration.Record(e.Latency.TotalSeconds, tags);
        if (e.Decision.Kind == AttemptDecisionKind.Retry)
        {
            instruments.Retries.Add(1, new TagList { { TelemetryTags.Provider, provider.Name }, { TelemetryTags.ErrorType, errorType } });
        }

        return default;
    }

    public override ValueTask OnAttemptCancelledAsync(AttemptCancelled e, CancellationToken cancellationToken)
    {
        var tags = new TagList
        {
            { TelemetryTags.Provider, e.Provider.Name },
            { TelemetryTags.ProviderName, TelemetryTags.GenAIProvider(e.Provider.Options.EffectiveType) },
            { TelemetryTags.Outcome, TelemetryTags.Cancelled },
        };
        instruments.Attempts.Add(1, tags);
        instruments.AttemptDuration.Record(e.Latency.TotalSeconds, tags);
        return default;
    }

    public override ValueTask OnProviderSkippedAsync(ProviderSkipped e, CancellationToken cancellationToken)
    {
        instruments.Skips.Add(1, new TagList { { TelemetryTags.Provider, e.Provider.Name }, { TelemetryTags.SkipReason, TelemetryTags.Skip(e.Admission) } });
        return default;
    }

    public override ValueTask OnFailedOverAsync(FailedOver e, CancellationToken cancellationToken)
    {
        instruments.Failovers.Add(1, new TagList { { TelemetryTags.From, e.From.Name }, { TelemetryTags.To, e.To.Name } });
        return default;
    }

    public override ValueTask OnCircuitChangedAsync(CircuitChanged e, CancellationToken cancellationToken)
    {
        var change = e.Change;
        instruments.CircuitTransitions.Add(1, new TagList
        {
            { TelemetryTags.Provider, change.Provider },
            { TelemetryTags.CircuitFrom, TelemetryTags.State(change.From) },
            { TelemetryTags.CircuitTo, TelemetryTags.State(change.To) },
            { TelemetryTags.CircuitReason, TelemetryTags.Reason(change.Reason) },
        });
        return default;
    }

    public override ValueTask OnRequestCompletedAsync(RequestCompleted e, CancellationToken cancellationToken)
    {
        if (e.Error is not { } error)
        {
            return default; // counted with its answering attempt
        }

        var cancelled = error is OperationCanceledException && e.Request.CallerToken.IsCancellationRequested;
        var errorType = ErrorType(error);
        var tags = new TagList
        {
            { TelemetryTags.Outcome, cancelled ? TelemetryTags.Cancelled : TelemetryTags.Failure },
            { TelemetryTags.ErrorType, errorType },
        };
        instruments.Requests.Add(1, tags);
        if (instruments.OperationDuration.Enabled)
        {
            var request = new TagList { { TelemetryTags.OperationName, TelemetryTags.Chat }, { TelemetryTags.ErrorType, errorType } };
            instruments.OperationDuration.Record(e.Route.TotalLatency.TotalSeconds, request);
        }

        return default;
    }

    public override ValueTask OnStreamAbandonedAsync(StreamAbandoned e, CancellationToken cancellationToken)
    {
        // The request's only completion: counted once, by the caller's doing (no operation duration: it did not complete).
        var outcome = e.Cancelled ? TelemetryTags.Cancelled : TelemetryTags.Abandoned;
        var provider = e.Provider;
        var attempt = new TagList
        {
            { TelemetryTags.Provider, provider.Name },
            { TelemetryTags.ProviderName, TelemetryTags.GenAIProvider(provider.Options.EffectiveType) },
            { TelemetryTags.Outcome, outcome },
        };
        instruments.Attempts.Add(1, attempt);
        instruments.AttemptDuration.Record(e.Latency.TotalSeconds, attempt);
        instruments.Requests.Add(1, new TagList { { TelemetryTags.Outcome, outcome }, { TelemetryTags.Provider, provider.Name } });
        return default;
    }

    /// <summary>Gets a failed request's <c>error.type</c>: the category of a provider's error, else the exception's type name (both bounded).</summary>
    internal static string ErrorType(Exception error) => error is ProviderException provider ? TelemetryTags.Category(provider.Category) : error.GetType().Name;

    private static int Clamp(long value) => value > int.MaxValue ? int.MaxValue : (int)value;
}
