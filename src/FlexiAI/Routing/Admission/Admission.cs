namespace FlexiAI;

/// <summary>
/// A gate's answer to "may this request call this provider now?": allow, or skip with a reason and the time the
/// provider may be tried again. A skip is never a failure: it is not retried, not counted toward any breaker, and
/// shows on the route as skipped with its reason.
/// </summary>
/// <param name="Allowed">Whether the call may go ahead.</param>
/// <param name="IsProbe">For the circuit breaker: whether the call is the half-open probe.</param>
/// <param name="SkipOutcome">For a skip: the outcome recorded on the route.</param>
/// <param name="Reason">For a skip: why, in words (shown on the route and in logs).</param>
/// <param name="RetryAt">For a skip: when the provider may be tried again, if known.</param>
/// <param name="SkipError">For a skip: the error recorded among the request's errors (e.g. <see cref="CircuitOpenException"/>).</param>
internal readonly record struct Admission(bool Allowed, bool IsProbe, AttemptOutcome SkipOutcome, string? Reason, DateTimeOffset? RetryAt, Exception? SkipError)
{
    public static Admission Allow { get; } = new(true, false, AttemptOutcome.Succeeded, null, null, null);

    public static Admission Skip(AttemptOutcome outcome, string reason, DateTimeOffset? retryAt, Exception error) => new(false, false, outcome, reason, retryAt, error);
}
