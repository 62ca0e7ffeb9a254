namespace FlexiAI.Tests.Load;

/// <summary>The failover_first retry strategy, as the pure decision.</summary>
public class FailoverFirstDecisionTests
{
    private static readonly ErrorPolicy Retryable = new(Retry: true, Failover: true, CountsTowardBreaker: true);
    private static readonly ErrorPolicy RetryNoFailover = new(Retry: true, Failover: false, CountsTowardBreaker: true);

    private static readonly RetryOptions FailoverFirst = new()
    {
        InitialDelay = TimeSpan.FromSeconds(1), BackoffFactor = 2, UseJitter = false, MaxRetryAfter = TimeSpan.FromSeconds(30), Strategy = RetryStrategy.FailoverFirst,
    };

    private static FailureFacts Facts(bool othersLeft, ErrorPolicy? policy = null, int attempt = 1, TimeSpan? retryAfter = null, RetryOptions? retry = null) =>
        new(policy ?? Retryable, true, attempt, 3, false, true, retryAfter, retry ?? FailoverFirst, 0.5, Timeout.InfiniteTimeSpan, false, othersLeft);

    [Fact]
    public void Decide_OthersLeft_FailsOverAtOnceAndComesBackAfterTheBackoff()
    {
        var decision = RetryDecision.Decide(Facts(othersLeft: true));

        Assert.Equal(AttemptDecisionKind.NextProvider, decision.Kind);
        Assert.True(decision.ComeBack);
        Assert.Equal(TimeSpan.FromSeconds(1), decision.Delay);
    }

    [Fact]
    public void Decide_NoOtherLeft_RetriesInPlace() =>
        Assert.Equal(AttemptDecision.Retry(TimeSpan.FromSeconds(2)), RetryDecision.Decide(Facts(othersLeft: false, attempt: 2)));

    [Fact]
    public void Decide_RetryAfterWithinCap_IsTheComeBackDelay() =>
        Assert.Equal(TimeSpan.FromSeconds(7), RetryDecision.Decide(Facts(othersLeft: true, retryAfter: TimeSpan.FromSeconds(7))).Delay);

    [Fact]
    public void Decide_RetryAfterAboveCap_FailsOverWithoutComingBack()
    {
        var decision = RetryDecision.Decide(Facts(othersLeft: true, retryAfter: TimeSpan.FromMinutes(5)));

        Assert.Equal(AttemptDecision.Next(aboveCap: true), decision);
        Assert.False(decision.ComeBack);
    }

    [Fact]
    public void Decide_CategoryWithoutFailover_RetriesInPlace() =>
        Assert.Equal(AttemptDecisionKind.Retry, RetryDecision.Decide(Facts(othersLeft: true, policy: RetryNoFailover)).Kind);

    [Fact]
    public void Decide_LastAttempt_FailsOverWithoutComingBack()
    {
        var decision = RetryDecision.Decide(Facts(othersLeft: true, attempt: 3));

        Assert.Equal(AttemptDecision.Next(), decision);
        Assert.False(decision.ComeBack);
    }

    [Fact]
    public void Decide_InPlaceStrategy_RetriesEvenWithOthersLeft() =>
        Assert.Equal(AttemptDecisionKind.Retry, RetryDecision.Decide(Facts(othersLeft: true, retry: new RetryOptions { UseJitter = false })).Kind);
}
