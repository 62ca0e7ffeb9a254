using Microsoft.Extensions.Time.Testing;

namespace FlexiAI.Tests.CircuitBreaking;

public class CircuitBreakerTests
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(60);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryCircuitStateStore _store = new();

    private CircuitBreaker Create(int threshold = 3) => new("p", _store, _time, threshold, Recovery, probeLease: TimeSpan.FromSeconds(10));

    private static async Task Fail(CircuitBreaker breaker, int times, ErrorCategory category = ErrorCategory.ServerError)
    {
        for (var i = 0; i < times; i++)
        {
            var (permit, _) = await breaker.AcquireAsync(default);
            await breaker.RecordFailureAsync(permit, category, counts: true, default);
        }
    }

    [Fact]
    public async Task Closed_BelowThreshold_StaysClosedAndCounts()
    {
        var breaker = Create();
        await Fail(breaker, 2);
        Assert.Equal(CircuitState.Closed, breaker.Snapshot.State);
        Assert.Equal(2, breaker.Snapshot.ConsecutiveFailures);
        Assert.Equal(ErrorCategory.ServerError, breaker.Snapshot.LastErrorCategory);
    }

    [Fact]
    public async Task Closed_ThresholdConsecutiveFailures_Opens()
    {
        var breaker = Create();
        await Fail(breaker, 2);
        var (permit, _) = await breaker.AcquireAsync(default);
        var change = await breaker.RecordFailureAsync(permit, ErrorCategory.Timeout, counts: true, default);

        Assert.NotNull(change);
        Assert.Equal(CircuitState.Closed, change.Value.From);
        Assert.Equal(CircuitState.Open, change.Value.To);
        Assert.Equal(CircuitTransitionReason.FailureThresholdReached, change.Value.Reason);
        Assert.Equal(_time.GetUtcNow() + Recovery, change.Value.NextProbeAt);
        Assert.Equal(_time.GetUtcNow(), breaker.Snapshot.OpenedAt);
    }

    [Fact]
    public async Task Closed_SuccessBetweenFailures_ResetsTheConsecutiveCount()
    {
        var breaker = Create();
        await Fail(breaker, 2);
        var (permit, _) = await breaker.AcquireAsync(default);
        await breaker.RecordSuccessAsync(permit, default);
        await Fail(breaker, 2);
        Assert.Equal(CircuitState.Closed, breaker.Snapshot.State);
        Assert.Equal(2, breaker.Snapshot.ConsecutiveFailures);
    }

    [Fact]
    public async Task Closed_UncountedFailures_DoNotOpen()
    {
        var breaker = Create(threshold: 1);
        var (permit, _) = await breaker.AcquireAsync(default);
        await breaker.RecordFailureAsync(permit, ErrorCategory.InvalidRequest, counts: false, default);
        Assert.Equal(CircuitState.Closed, breaker.Snapshot.State);
        Assert.Equal(0, breaker.Snapshot.ConsecutiveFailures);
    }

    [Fact]
    public async Task Open_BeforeRecoveryTimeout_DeniesWithRetryTime()
    {
        var breaker = Create();
        await Fail(breaker, 3);
        _time.Advance(Recovery - TimeSpan.FromSeconds(1));
        var (permit, change) = await breaker.AcquireAsync(default);
        Assert.False(permit.Allowed);
        Assert.Null(change);
        Assert.Equal(CircuitState.Open, permit.State);
        Assert.Equal(breaker.Snapshot.NextProbeAt, permit.RetryAt);
    }

    [Fact]
    public async Task Open_AfterRecoveryTimeout_LetsOneProbeThrough()
    {
        var breaker = Create();
        await Fail(breaker, 3);
        _time.Advance(Recovery);

        var (probe, change) = await breaker.AcquireAsync(default);
        var (second, _) = await breaker.AcquireAsync(default);

        Assert.True(probe.Allowed);
        Assert.True(probe.IsProbe);
        Assert.Equal(CircuitTransitionReason.RecoveryTimeoutElapsed, change!.Value.Reason);
        Assert.Equal(CircuitState.HalfOpen, change.Value.To);
        Assert.False(second.Allowed);
        Assert.Equal(CircuitState.HalfOpen, second.State);
    }

    [Fact]
    public async Task HalfOpen_HundredConcurrentCallers_ExactlyOneProbe()
    {
        var breaker = Create();
        await Fail(breaker, 3);
        _time.Advance(Recovery);

        using var gate = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, 100).Select(_ => Task.Run(async () =>
        {
            gate.Wait();
            return (await breaker.AcquireAsync(default)).Permit;
        })).ToArray();
        gate.Set();
        var permits = await Task.WhenAll(tasks);

        Assert.Equal(1, permits.Count(p => p.Allowed));
        Assert.Equal(1, permits.Count(p => p.IsProbe));
        Assert.All(permits.Where(p => !p.Allowed), p => Assert.Equal(CircuitState.HalfOpen, p.State));
    }

    [Fact]
    public async Task HalfOpen_ProbeSucceeds_Closes()
    {
        var breaker = Create();
        await Fail(breaker, 3);
        _time.Advance(Recovery);
        var (probe, _) = await breaker.AcquireAsync(default);
        var change = await breaker.RecordSuccessAsync(probe, default);

        Assert.Equal(CircuitTransitionReason.ProbeSucceeded, change!.Value.Reason);
        Assert.Equal(CircuitState.Closed, breaker.Snapshot.State);
        Assert.Equal(0, breaker.Snapshot.ConsecutiveFailures);
        Assert.True((await breaker.AcquireAsync(default)).Permit.Allowed);
    }

    [Fact]
    public async Task HalfOpen_ProbeFails_ReopensForAnotherRecoveryTimeout()
    {
        var breaker = Create();
        await Fail(breaker, 3);
        _time.Advance(Recovery);
        var (probe, _) = await breaker.AcquireAsync(default);
        var change = await breaker.RecordFailureAsync(probe, ErrorCategory.Overloaded, counts: true, default);

        Assert.Equal(CircuitTransitionReason.ProbeFailed, change!.Value.Reason);
        Assert.Equal(CircuitState.Open, breaker.Snapshot.State);
        Assert.Equal(_time.GetUtcNow() + Recovery, breaker.Snapshot.NextProbeAt);
        Assert.False((await breaker.AcquireAsync(default)).Permit.Allowed);
    }

    [Fact]
    public async Task HalfOpen_ProbeEndsWithoutVerdict_FreesTheSlot()
    {
        var breaker = Create();
        await Fail(breaker, 3);
        _time.Advance(Recovery);
        var (probe, _) = await breaker.AcquireAsync(default);
        await breaker.RecordFailureAsync(probe, ErrorCategory.InvalidRequest, counts: false, default);

        var (next, _) = await breaker.AcquireAsync(default);
        Assert.True(next.IsProbe);
        Assert.Equal(CircuitState.HalfOpen, breaker.Snapshot.State);
    }

    [Fact]
    public async Task HalfOpen_ProbeNeverReports_LeaseExpiresAndAnotherProbeIsAllowed()
    {
        var breaker = Create();
        await Fail(breaker, 3);
        _time.Advance(Recovery);
        var (probe, _) = await breaker.AcquireAsync(default);
        Assert.True(probe.IsProbe);

        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.False((await breaker.AcquireAsync(default)).Permit.Allowed);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await breaker.AcquireAsync(default)).Permit.IsProbe);
    }

    [Fact]
    public async Task Open_LateSuccessOfAnOlderCall_DoesNotClose()
    {
        var breaker = Create();
        var (early, _) = await breaker.AcquireAsync(default);
        await Fail(breaker, 3);
        var change = await breaker.RecordSuccessAsync(early, default);
        Assert.Null(change);
        Assert.Equal(CircuitState.Open, breaker.Snapshot.State);
    }

    [Fact]
    public async Task Trip_OpensByHand_AndReset_ClosesByHand()
    {
        var breaker = Create();
        var trip = await breaker.TripAsync(default);
        Assert.Equal(CircuitTransitionReason.ManualTrip, trip!.Value.Reason);
        Assert.Equal(CircuitState.Open, breaker.Snapshot.State);
        Assert.False((await breaker.AcquireAsync(default)).Permit.Allowed);

        var reset = await breaker.ResetAsync(default);
        Assert.Equal(CircuitTransitionReason.ManualReset, reset!.Value.Reason);
        Assert.Equal(CircuitState.Closed, breaker.Snapshot.State);
        Assert.Null(await breaker.ResetAsync(default));
    }

    [Fact]
    public async Task SharedStore_TwoBreakersOverOneStore_SeeEachOthersOpenState()
    {
        var a = Create();
        var b = Create();
        await Fail(a, 3);
        await b.RefreshAsync(default);
        Assert.Equal(CircuitState.Open, b.Snapshot.State);
        Assert.False((await b.AcquireAsync(default)).Permit.Allowed);
    }
}
