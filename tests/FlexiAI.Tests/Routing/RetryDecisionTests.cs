namespace FlexiAI.Tests.Routing;

/// <summary>The retry/failover decision as a pure function: no I/O, no clock.</summary>
public class RetryDecisionTests
{
    private static readonly ErrorPolicy Retryable = new(Retry: true, Failover: true, CountsTowardBreaker: true);
    private static readonly ErrorPolicy NoFailover = new(Retry: false, Failover: false, CountsTowardBreaker: false);

    private static FailureFacts Facts(ErrorPolicy? policy = null, bool retryable = true, int attempt = 1, int max = 3, bool probe = false, bool closed = true,
        TimeSpan? retryAfter = null, TimeSpan? remaining = null, bool timedOut = false) =>
        new(policy ?? Retryable, retryable, attempt, max, probe, closed, retryAfter, Retry, 0.5, remaining ?? Timeout.InfiniteTimeSpan, timedOut);

    // A backoff of 1 s for the first retry (no jitter) and a Retry-After cap of 30 s.
    private static readonly RetryOptions Retry = new() { InitialDelay = TimeSpan.FromSeconds(1), BackoffFactor = 2, UseJitter = false, MaxRetryAfter = TimeSpan.FromSeconds(30) };

    [Fact]
    public void Decide_RetryableWithAttemptsLeft_RetriesAfterTheBackoff() =>
        Assert.Equal(AttemptDecision.Retry(TimeSpan.FromSeconds(1)), RetryDecision.Decide(Facts()));

    [Fact]
    public void Decide_RetryAfterWithinTheCap_WaitsForIt() =>
        Assert.Equal(AttemptDecision.Retry(TimeSpan.FromSeconds(7)), RetryDecision.Decide(Facts(retryAfter: TimeSpan.FromSeconds(7))));

    [Fact]
    public void Decide_RetryAfterAboveTheCap_FailsOverAtOnce() =>
        Assert.Equal(AttemptDecision.Next(aboveCap: true), RetryDecision.Decide(Facts(retryAfter: TimeSpan.FromMinutes(5))));

    [Fact]
    public void Decide_LastAttempt_MovesToTheNextProvider() =>
        Assert.Equal(AttemptDecision.Next(), RetryDecision.Decide(Facts(attempt: 3)));

    [Fact]
    public void Decide_Probe_IsNeverRetried() =>
        Assert.Equal(AttemptDecision.Next(), RetryDecision.Decide(Facts(probe: true)));

    [Fact]
    public void Decide_BreakerOpenedByThisFailure_DoesNotRetry() =>
        Assert.Equal(AttemptDecision.Next(), RetryDecision.Decide(Facts(closed: false)));

    [Fact]
    public void Decide_CategoryWithoutFailover_Stops() =>
        Assert.Equal(AttemptDecision.Stop(StopReason.NoFailover), RetryDecision.Decide(Facts(policy: NoFailover, retryable: false)));

    [Fact]
    public void Decide_RequestTimedOut_Stops() =>
        Assert.Equal(AttemptDecision.Stop(StopReason.RequestTimeout), RetryDecision.Decide(Facts(timedOut: true)));

    [Fact]
    public void Decide_NoTimeLeft_Stops() =>
        Assert.Equal(AttemptDecision.Stop(StopReason.RequestTimeout), RetryDecision.Decide(Facts(remaining: TimeSpan.Zero)));

    [Fact]
    public void Decide_DelayLongerThanWhatIsLeft_FailsOverInsteadOfSleeping() =>
        Assert.Equal(AttemptDecision.Next(), RetryDecision.Decide(Facts(retryAfter: TimeSpan.FromSeconds(5), remaining: TimeSpan.FromSeconds(2))));

    [Fact]
    public void Decide_NoFailoverButRetriesLeft_Retries() =>
        Assert.Equal(AttemptDecision.Retry(TimeSpan.FromSeconds(1)), RetryDecision.Decide(Facts(policy: NoFailover with { Retry = true })));
}
