namespace FlexiAI;

// Synchronous fast paths: every ValueTask here is consumed exactly once — its Result read when it completed
// synchronously, otherwise handed to one async continuation that awaits it. CA2012 cannot see that.
#pragma warning disable CA2012

/// <summary>The circuit breaker as an admission gate: open → skip until the next probe; half-open → one probe; and every verdict reported back.</summary>
internal sealed class CircuitBreakerGate(CircuitBreaker breaker, EventSink sink, string model) : AdmissionGate
{
    public CircuitBreaker Breaker => breaker;

    public override ValueTask<Admission> AdmitAsync(RequestState request, CancellationToken cancellationToken)
    {
        // Closed (the common case): the breaker answers synchronously and nothing changed — no async machinery.
        var pending = breaker.AcquireAsync(cancellationToken);
        if (pending.IsCompletedSuccessfully && pending.Result is { Change: null } acquired && acquired.Permit.Allowed && !acquired.Permit.IsProbe
            && (breaker.Cap is null || request.LowestPriorityPass || !breaker.HeldByCap))
        {
            return new(Admission.Allow);
        }

        return AdmitSlowAsync(pending, request);
    }

    private async ValueTask<Admission> AdmitSlowAsync(ValueTask<(CircuitPermit Permit, CircuitStateChange? Change)> pending, RequestState request)
    {
        var (permit, change) = await pending.ConfigureAwait(false);
        if (change is { } c)
        {
            await PublishAsync(c, request).ConfigureAwait(false);
        }

        if (permit.Allowed && !permit.IsProbe && breaker.Cap is not null && !request.LowestPriorityPass && breaker.HeldByCap)
        {
            // max_open_fraction kept this breaker closed: the provider waits for the loop's last pass (lowest priority).
            return Admission.Skip(AttemptOutcome.Skipped, "held at lowest priority: opening its breaker would exceed circuit_breaker.max_open_fraction", null,
                new CircuitOpenException(breaker.Name, CircuitState.Closed, null));
        }

        if (permit.Allowed)
        {
            return permit.IsProbe ? new Admission(true, true, AttemptOutcome.Succeeded, null, null, null) : Admission.Allow;
        }

        if (request.Panic)
        {
            // Every breaker is open and the request panics: let it through anyway (the attempt does not count toward the breaker).
            return Admission.Allow;
        }

        var reason = permit.RetryAt is not null ? "circuit open" : "circuit half-open, probe in flight";
        return Admission.Skip(AttemptOutcome.SkippedCircuitOpen, reason, permit.RetryAt, new CircuitOpenException(breaker.Name, permit.State, permit.RetryAt));
    }

    public override ValueTask OnSucceededAsync(RequestState request, Admission admission)
    {
        var pending = breaker.RecordSuccessAsync(Permit(admission), CancellationToken.None);
        return pending.IsCompletedSuccessfully && pending.Result is null ? default : PublishWhenChangedAsync(pending, request);
    }

    private async ValueTask PublishWhenChangedAsync(ValueTask<CircuitStateChange?> pending, RequestState request)
    {
        if (await pending.ConfigureAwait(false) is { } change)
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
