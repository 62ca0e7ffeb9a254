namespace FlexiAI;

/// <summary>The circuit breaker as an admission gate: open → skip until the next probe; half-open → one probe; and every verdict reported back.</summary>
internal sealed class CircuitBreakerGate(CircuitBreaker breaker, EventSink sink, string model) : AdmissionGate
{
    public CircuitBreaker Breaker => breaker;

    public override async ValueTask<Admission> AdmitAsync(RequestState request, CancellationToken cancellationToken)
    {
        var (permit, change) = await breaker.AcquireAsync(cancellationToken).ConfigureAwait(false);
        if (change is { } c)
        {
            await PublishAsync(c, request).ConfigureAwait(false);
        }

        if (permit.Allowed)
        {
            return permit.IsProbe ? new Admission(true, true, AttemptOutcome.Succeeded, null, null, null) : Admission.Allow;
        }

        var reason = permit.RetryAt is not null ? "circuit open" : "circuit half-open, probe in flight";
        return Admission.Skip(AttemptOutcome.SkippedCircuitOpen, reason, permit.RetryAt, new CircuitOpenException(breaker.Name, permit.State, permit.RetryAt));
    }

    public override async ValueTask OnSucceededAsync(RequestState request, Admission admission)
    {
        if (await breaker.RecordSuccessAsync(Permit(admission), CancellationToken.None).ConfigureAwait(false) is { } change)
        {
            await PublishAsync(change, request).ConfigureAwait(false);
        }
    }

    public override async ValueTask OnFailedAsync(RequestState request, Admission admission, ErrorCategory category, bool counts)
    {
        if (await breaker.RecordFailureAsync(Permit(admission), category, counts, CancellationToken.None).ConfigureAwait(false) is { } change)
        {
            await PublishAsync(change, request).ConfigureAwait(false);
        }
    }

    public override async ValueTask ReleaseAsync(RequestState request, Admission admission)
    {
        if (admission.IsProbe)
        {
            await breaker.ReleaseProbeAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static CircuitPermit Permit(Admission admission) =>
        admission.IsProbe ? new CircuitPermit(true, true, CircuitState.HalfOpen, null) : CircuitPermit.Closed;

    private ValueTask PublishAsync(CircuitStateChange change, RequestState request) =>
        sink.Wants(RequestEventKinds.CircuitChanged)
            ? sink.PublishAsync(new CircuitChanged(change, request.CorrelationId, model), request.CallerToken)
            : default;
}
