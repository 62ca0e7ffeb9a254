using System.Diagnostics;

namespace FlexiAI;

/// <summary>
/// Writes FlexiAI's spans from the request events: one <c>chat {model}</c> span per request with a child span per attempt,
/// span events for failover, skips, retries, waits and stream continuation. Spans are started only while the
/// <see cref="ActivitySource"/> has listeners; they carry bounded attributes (providers, models, categories, counts) and never
/// a prompt, a response or a key.
/// </summary>
/// <remarks>
/// The request span starts under the caller's ambient activity (e.g. MEAI's <c>OpenTelemetryChatClient</c> span or an
/// ASP.NET Core request). Attempt spans name the request span as parent explicitly; the request loop makes the running
/// attempt's span the ambient one while it calls the provider, so the SDK's and HttpClient's spans nest under it.
/// <para>
/// Cheap by construction (each tag costs the listener's tag list a node, so defaults are left out): span names are cached per
/// model and provider, numeric and boolean tag values are pre-boxed, <c>flexiai.streaming</c> and <c>flexiai.failed_over</c> are
/// set only when true, and <c>flexiai.correlation_id</c> only when it is not the span's own trace id (the request adopts the request
/// span's trace id as its correlation id when the caller gave none). Each attribute is set once per span, so tags are appended
/// (<see cref="Activity.AddTag(string, object?)"/>, no search of the list); only the retry count, which grows, is replaced.
/// </para>
/// </remarks>
internal sealed class TracingSubscriber(ActivitySource source) : RequestEventSubscriber
{
    private readonly SpanNames _requestNames = new(TelemetryTags.Chat + " ");
    private readonly SpanNames _attemptNames = new("attempt ");

    public override bool Wants(RequestEventKinds kind) => kind switch
    {
        // Spans already started are always ended, even when the last listener left meanwhile.
        RequestEventKinds.AttemptSucceeded or RequestEventKinds.AttemptFailed or RequestEventKinds.AttemptCancelled or RequestEventKinds.RequestCompleted
            or RequestEventKinds.StreamAbandoned => true,
        RequestEventKinds.RequestStarted or RequestEventKinds.AttemptStarted or RequestEventKinds.ProviderSkipped or RequestEventKinds.FailedOver
            or RequestEventKinds.StreamContinued or RequestEventKinds.WaitingForRecovery => source.HasListeners(),
        _ => false,
    };

    public override ValueTask OnRequestStartedAsync(RequestStarted e, CancellationToken cancellationToken)
    {
        var name = e.Model is null ? TelemetryTags.Chat : _requestNames.For(e.Model);
        var span = source.StartActivity(name, ActivityKind.Client);
        if (span is null)
        {
            return default;
        }

        var request = e.Request;
        request.AdoptTraceId(span.TraceId);
        if (span.IsAllDataRequested)
        {
            span.AddTag(TelemetryTags.OperationName, TelemetryTags.Chat);
            span.AddTag(TelemetryTags.RequestModel, e.Model);
            if (e.Streaming)
            {
                span.AddTag(TelemetryTags.Streaming, Boxes.True);
            }

            if (!request.CorrelationIsTraceId(span.TraceId))
            {
                span.AddTag(TelemetryTags.CorrelationId, request.CorrelationId);
            }
        }

        request.Span = span;
        return default;
    }

    public override ValueTask OnAttemptStartedAsync(AttemptStarted e, CancellationToken cancellationToken)
    {
        var request = e.Request;
        var parent = request.Span?.Context ?? default;
        var span = source.StartActivity(_attemptNames.For(e.Provider.Name), ActivityKind.Internal, parent);
        if (span is null)
        {
            return default;
        }

        if (span.IsAllDataRequested)
        {
            span.AddTag(TelemetryTags.Provider, e.Provider.Name);
            span.AddTag(TelemetryTags.ProviderName, TelemetryTags.GenAIProvider(e.Provider.Options.EffectiveType));
            span.AddTag(TelemetryTags.RequestModel, e.Provider.Model);
            span.AddTag(TelemetryTags.Attempt, Boxes.Int(e.Attempt));
        }

        request.AttemptSpan = span;
        return default;
    }

    public override ValueTask OnAttemptSucceededAsync(AttemptSucceeded e, CancellationToken cancellationToken)
    {
        var request = e.Request;
        if (request.AttemptSpan is { } span)
        {
            request.AttemptSpan = null;
            span.AddTag(TelemetryTags.Outcome, TelemetryTags.Success);
            SetUsage(span, e.Usage, e.ResponseModel);
            span.Dispose();
        }

        if (request.Span is { } parent)
        {
            parent.AddTag(TelemetryTags.Provider, e.Provider.Name);
            parent.AddTag(TelemetryTags.ProviderName, TelemetryTags.GenAIProvider(e.Provider.Options.EffectiveType));
            parent.AddTag(TelemetryTags.ResponseModel, e.ResponseModel ?? e.Provider.Model);
            SetUsage(parent, e.Usage, null);
        }

        return default;
    }

    public override ValueTask OnAttemptFailedAsync(AttemptFailed e, CancellationToken cancellationToken)
    {
        var request = e.Request;
        var errorType = TelemetryTags.Category(e.Error.Category);
        if (request.AttemptSpan is { } span)
        {
            request.AttemptSpan = null;
            span.AddTag(TelemetryTags.Outcome, TelemetryTags.OutcomeOf(e.Outcome));
            span.AddTag(TelemetryTags.ErrorType, errorType);
            if (e.Error.StatusCode is { } status)
            {
                span.AddTag(TelemetryTags.StatusCode, Boxes.Int(status));
            }

            // The category, not the provider's message: a provider's message may quote the request.
            span.SetStatus(ActivityStatusCode.Error, errorType);
            span.Dispose();
        }

        if (e.Decision.Kind == AttemptDecisionKind.Retry && request.Span is { } parent)
        {
            var retries = parent.GetTagItem(TelemetryTags.Retries) is int n ? n + 1 : 1;
            parent.SetTag(TelemetryTags.Retries, Boxes.Int(retries));
            parent.AddEvent(new ActivityEvent("flexiai.retry", tags: new ActivityTagsCollection
            {
                { TelemetryTags.Provider, e.Provider.Name },
                { TelemetryTags.ErrorType, errorType },
                { TelemetryTags.Delay, e.Decision.Delay.TotalMilliseconds },
            }));
        }

        return default;
    }

    public override ValueTask OnAttemptCancelledAsync(AttemptCancelled e, CancellationToken cancellationToken)
    {
        if (e.Request.AttemptSpan is { } span)
        {
            e.Request.AttemptSpan = null;
            span.AddTag(TelemetryTags.Outcome, TelemetryTags.Cancelled);
            span.Dispose();
        }

        return default;
    }

    public override ValueTask OnProviderSkippedAsync(ProviderSkipped e, CancellationToken cancellationToken)
    {
        e.Request.Span?.AddEvent(new ActivityEvent("flexiai.provider_skipped", tags: new ActivityTagsCollection
        {
            { TelemetryTags.Provider, e.Provider.Name },
            { TelemetryTags.SkipReason, TelemetryTags.Skip(e.Admission) },
        }));
        return default;
    }

    public override ValueTask OnFailedOverAsync(FailedOver e, CancellationToken cancellationToken)
    {
        if (e.Request.Span is { } span)
        {
            var tags = new ActivityTagsCollection { { TelemetryTags.From, e.From.Name }, { TelemetryTags.To, e.To.Name } };
            if (e.LastError is { } error)
            {
                tags.Add(TelemetryTags.ErrorType, MetricsSubscriber.ErrorType(error));
            }

            span.AddEvent(new ActivityEvent("flexiai.failover", tags: tags));
        }

        return default;
    }

    public override ValueTask OnStreamContinuedAsync(StreamContinued e, CancellationToken cancellationToken)
    {
        e.Request.Span?.AddEvent(new ActivityEvent("flexiai.stream_continued", tags: new ActivityTagsCollection
        {
            { TelemetryTags.From, e.From.Name },
            { TelemetryTags.Offset, e.Offset },
        }));
        return default;
    }

    public override ValueTask OnWaitingForRecoveryAsync(WaitingForRecovery e, CancellationToken cancellationToken)
    {
        e.Request.Span?.AddEvent(new ActivityEvent("flexiai.waiting_for_recovery", tags: new ActivityTagsCollection
        {
            { "flexiai.wait_ms", e.Wait.TotalMilliseconds },
        }));
        return default;
    }

    public override ValueTask OnRequestCompletedAsync(RequestCompleted e, CancellationToken cancellationToken)
    {
        var request = e.Request;
        if (request.AttemptSpan is { } attempt)
        {
            // An attempt the loop left without a verdict (e.g. the request failed while it ran): end it with the request.
            request.AttemptSpan = null;
            attempt.Dispose();
        }

        if (request.Span is not { } span)
        {
            return default;
        }

        request.Span = null;
        var route = e.Route;
        var tried = 0;
        for (var i = 0; i < route.Attempts.Count; i++)
        {
            if (route.Attempts[i].AttemptNumber > 0)
            {
                tried++;
            }
        }

        span.AddTag(TelemetryTags.Attempts, Boxes.Int(tried));
        if (route.FailedOver)
        {
            span.AddTag(TelemetryTags.FailedOver, Boxes.True);
        }
        if (e.Error is { } error)
        {
            var cancelled = error is OperationCanceledException && request.CallerToken.IsCancellationRequested;
            var errorType = MetricsSubscriber.ErrorType(error);
            span.AddTag(TelemetryTags.Outcome, cancelled ? TelemetryTags.Cancelled : TelemetryTags.Failure);
            span.AddTag(TelemetryTags.ErrorType, errorType);
            span.SetStatus(ActivityStatusCode.Error, errorType);
        }
        else
        {
            span.AddTag(TelemetryTags.Outcome, TelemetryTags.Success);
        }

        span.Dispose();
        return default;
    }

    public override ValueTask OnStreamAbandonedAsync(StreamAbandoned e, CancellationToken cancellationToken)
    {
        // The caller stopped reading: both spans end here, neither as an error (the caller's choice, not a failure).
        var request = e.Request;
        var outcome = e.Cancelled ? TelemetryTags.Cancelled : TelemetryTags.Abandoned;
        if (request.AttemptSpan is { } attempt)
        {
            request.AttemptSpan = null;
            attempt.AddTag(TelemetryTags.Outcome, outcome);
            attempt.Dispose();
        }

        if (request.Span is { } span)
        {
            request.Span = null;
            span.AddTag(TelemetryTags.Provider, e.Provider.Name);
            span.AddTag(TelemetryTags.ProviderName, TelemetryTags.GenAIProvider(e.Provider.Options.EffectiveType));
            span.AddTag(TelemetryTags.Attempts, Boxes.Int(request.Sent));
            span.AddTag(TelemetryTags.Outcome, outcome);
            span.Dispose();
        }

        return default;
    }

    private static void SetUsage(Activity span, Microsoft.Extensions.AI.UsageDetails? usage, string? responseModel)
    {
        if (responseModel is not null)
        {
            span.AddTag(TelemetryTags.ResponseModel, responseModel);
        }

        if (usage?.InputTokenCount is { } input)
        {
            span.AddTag(TelemetryTags.InputTokens, input);
        }

        if (usage?.OutputTokenCount is { } output)
        {
            span.AddTag(TelemetryTags.OutputTokens, output);
        }
    }
}
