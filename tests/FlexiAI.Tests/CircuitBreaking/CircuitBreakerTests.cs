using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FlexiAI.Tests.CircuitBreaking;

public class CircuitBreakerTests
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(2);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryCircuitStateStore _store = new();
    private readonly CapturingLoggerProvider _log = new();

    private CircuitBreaker Create(int threshold = 3) => new("p", _store, _time, threshold, Recovery, probeLease: Lease);

    private CircuitBreaker Create(ICircuitStateStore store, int threshold = 3) =>
        new("p", store, _time, threshold, Recovery, Lease, StoreTimeout, RefreshInterval, _log.CreateLogger("FlexiAI"));

    private int StoreWarnings => _log.Lines.Count(l => l.StartsWith("Warning: Circuit state store", StringComparison.Ordinal));

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
    public async Task HalfOpen_ProbeHolderStopsRenewing_LeaseExpiresAndAnotherProbeIsAllowed()
    {
        // The holder dies (here: it is disposed, so it stops renewing its lease); a peer over the same store takes over after the lease.
        var holder = Create();
        using var peer = Create();
        await Fail(holder, 3);
        _time.Advance(Recovery);
        var (probe, _) = await holder.AcquireAsync(default);
        Assert.True(probe.IsProbe);
        holder.Dispose();

        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.False((await peer.AcquireAsync(default)).Permit.Allowed);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await peer.AcquireAsync(default)).Permit.IsProbe);
    }

    [Fact]
    public async Task HalfOpen_ProbeRunsFarPastItsLease_StaysTheOnlyProbeUntilItReports()
    {
        using var breaker = Create();
        using var peer = Create();
        await Fail(breaker, 3);
        _time.Advance(Recovery);
        var (probe, _) = await breaker.AcquireAsync(default);
        Assert.True(probe.IsProbe);

        // A long probe stream: ten leases go by. The holder renews its lease in the store, so peers see the slot held too.
        _time.Advance(Lease * 10);
        Assert.False((await breaker.AcquireAsync(default)).Permit.Allowed);
        Assert.False((await peer.AcquireAsync(default)).Permit.Allowed);
        Assert.True(breaker.Snapshot.ProbeLeaseUntil > _time.GetUtcNow());

        var change = await breaker.RecordSuccessAsync(probe, default);
        Assert.Equal(CircuitTransitionReason.ProbeSucceeded, change!.Value.Reason);
        Assert.True((await peer.AcquireAsync(default)).Permit.Allowed);
        Assert.True((await breaker.AcquireAsync(default)).Permit.Allowed);
    }

    [Fact]
    public async Task HalfOpen_LongProbeFails_ReopensAndAfterRecoveryTheNextProbeIsAllowed()
    {
        using var breaker = Create();
        await Fail(breaker, 3);
        _time.Advance(Recovery);
        var (probe, _) = await breaker.AcquireAsync(default);
        _time.Advance(Lease * 3);
        await breaker.RecordFailureAsync(probe, ErrorCategory.ServerError, counts: true, default);
        Assert.Equal(CircuitState.Open, breaker.Snapshot.State);

        _time.Advance(Recovery);
        Assert.True((await breaker.AcquireAsync(default)).Permit.IsProbe);
    }

    [Fact]
    public async Task HalfOpen_LongProbeEndsWithoutVerdict_FreesTheSlotAndStopsRenewing()
    {
        using var breaker = Create();
        using var peer = Create();
        await Fail(breaker, 3);
        _time.Advance(Recovery);
        var (probe, _) = await breaker.AcquireAsync(default);
        _time.Advance(Lease * 3);
        await breaker.ReleaseProbeAsync(default);
        Assert.Null(breaker.Snapshot.ProbeLeaseUntil);

        var (next, _) = await peer.AcquireAsync(default);
        Assert.True(next.IsProbe);

        // A late second release by the first holder never frees the peer's slot.
        await breaker.ReleaseProbeAsync(default);
        Assert.NotNull(peer.Snapshot.ProbeLeaseUntil);
        Assert.False((await breaker.AcquireAsync(default)).Permit.Allowed);
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
        Assert.Equal(CircuitState.Open, b.Snapshot.State);
        Assert.False((await b.AcquireAsync(default)).Permit.Allowed);
    }

    [Fact]
    public async Task SharedStore_BreakerCreatedAfterAPeerOpened_StartsOpen()
    {
        using var a = Create();
        await Fail(a, 3);
        using var b = Create();
        Assert.Equal(CircuitState.Open, b.Snapshot.State);
        Assert.False((await b.AcquireAsync(default)).Permit.Allowed);
    }

    [Fact]
    public async Task SharedStore_StoreThatCannotPush_PeerSeesOpenWithinTheRefreshInterval()
    {
        var store = new ControllableCircuitStateStore();
        using var a = Create(store);
        using var b = Create(store);
        await Fail(a, 3);
        Assert.Equal(CircuitState.Open, a.Snapshot.State);

        _time.Advance(RefreshInterval);
        Assert.Equal(CircuitState.Open, b.Snapshot.State);
        Assert.False((await b.AcquireAsync(default)).Permit.Allowed);
    }

    [Fact]
    public async Task SharedStore_StoreThatCannotSubscribe_IsPolledInstead()
    {
        var store = new UnsubscribableStore();
        using var a = Create(store);
        using var b = Create(store);
        await Fail(a, 3);

        _time.Advance(RefreshInterval);
        Assert.Equal(CircuitState.Open, b.Snapshot.State);
        Assert.Contains(_log.Lines, l => l.Contains("could not subscribe", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dispose_StopsFollowingTheStore()
    {
        using var a = Create();
        var b = Create();
        b.Dispose();
        await Fail(a, 3);
        Assert.Equal(CircuitState.Closed, b.Snapshot.State);
    }

    [Fact]
    public async Task Store_Throws_BreakerRunsOnItsLocalStateAndWarnsOnce()
    {
        var store = new ControllableCircuitStateStore { Fault = StoreFault.Throw };
        using var breaker = Create(store);

        await Fail(breaker, 3);
        Assert.Equal(CircuitState.Open, breaker.Snapshot.State);
        Assert.False((await breaker.AcquireAsync(default)).Permit.Allowed);

        _time.Advance(Recovery);
        var (probe, change) = await breaker.AcquireAsync(default);
        Assert.True(probe.IsProbe);
        Assert.Equal(CircuitTransitionReason.RecoveryTimeoutElapsed, change!.Value.Reason);
        Assert.False((await breaker.AcquireAsync(default)).Permit.Allowed);
        Assert.Equal(CircuitTransitionReason.ProbeSucceeded, (await breaker.RecordSuccessAsync(probe, default))!.Value.Reason);
        Assert.Equal(CircuitState.Closed, breaker.Snapshot.State);
        Assert.NotNull(await breaker.TripAsync(default));
        Assert.NotNull(await breaker.ResetAsync(default));
        await breaker.RefreshAsync(default);

        Assert.Equal(1, StoreWarnings);
        Assert.Contains(_log.Lines, l => l.Contains("the state store is unreachable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Store_Hangs_CallsTimeOutAndTheBreakerAnswersFromItsLocalState()
    {
        var store = new ControllableCircuitStateStore();
        using var breaker = Create(store, threshold: 1);
        store.Fault = StoreFault.Hang;

        var failing = Fail(breaker, 1);
        Assert.False(failing.IsCompleted);
        _time.Advance(StoreTimeout);
        await failing.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(CircuitState.Open, breaker.Snapshot.State);
        var acquiring = breaker.AcquireAsync(default);
        Assert.True(acquiring.IsCompleted); // the store rests after failing: no second wait
        Assert.False((await acquiring).Permit.Allowed);
        Assert.Equal(1, StoreWarnings);
        Assert.Contains(_log.Lines, l => l.Contains("no answer within 1000 ms", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Store_HangsAndTheCallerCancels_AcquirePropagatesTheCancellation()
    {
        var store = new ControllableCircuitStateStore();
        using var breaker = Create(store, threshold: 1);
        await Fail(breaker, 1);
        store.Fault = StoreFault.Hang;

        using var cts = new CancellationTokenSource();
        var acquiring = breaker.AcquireAsync(cts.Token).AsTask();
        Assert.False(acquiring.IsCompleted);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => acquiring.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.Equal(0, StoreWarnings);
    }

    [Fact]
    public async Task Store_RecoversAndFailsAgain_WarnsOncePerOutage()
    {
        var store = new ControllableCircuitStateStore { Fault = StoreFault.Throw };
        using var breaker = Create(store);
        await Fail(breaker, 2);
        Assert.Equal(1, StoreWarnings);

        store.Fault = StoreFault.None;
        _time.Advance(RefreshInterval);
        Assert.Contains(_log.Lines, l => l.Contains("answers again", StringComparison.Ordinal));

        // The store's entry wins over what was decided locally while it was away.
        Assert.Equal(0, breaker.Snapshot.ConsecutiveFailures);

        store.Fault = StoreFault.Throw;
        await Fail(breaker, 1);
        Assert.Equal(2, StoreWarnings);
    }

    [Fact]
    public async Task ReadAsync_StoreFails_ReturnsTheCachedEntry()
    {
        var store = new ControllableCircuitStateStore();
        using var breaker = Create(store);
        await Fail(breaker, 3);
        Assert.Equal(CircuitState.Open, (await breaker.ReadAsync(default)).State);

        store.Fault = StoreFault.Throw;
        var entry = await breaker.ReadAsync(default);
        Assert.Same(breaker.Snapshot, entry);
        Assert.Equal(CircuitState.Open, entry.State);
    }

    [Fact]
    public async Task Open_HugeRecoveryTimeout_OpensWithoutOverflowing()
    {
        using var breaker = new CircuitBreaker("p", _store, _time, 1, TimeSpan.MaxValue, CircuitBreaker.ProbeLeaseFor(TimeSpan.MaxValue, TimeSpan.MaxValue));
        var (permit, _) = await breaker.AcquireAsync(default);
        var change = await breaker.RecordFailureAsync(permit, ErrorCategory.ServerError, counts: true, default);

        Assert.Equal(CircuitState.Open, change!.Value.To);
        Assert.Equal(DateTimeOffset.MaxValue, change.Value.NextProbeAt);
        var (denied, _) = await breaker.AcquireAsync(default);
        Assert.False(denied.Allowed);
        Assert.Equal(DateTimeOffset.MaxValue, denied.RetryAt);
        Assert.Equal(CircuitTransitionReason.ManualTrip, (await breaker.TripAsync(default))!.Value.Reason);
    }

    [Fact]
    public async Task HalfOpen_HugeProbeLease_ProbeIsTakenWithoutOverflowing()
    {
        using var breaker = new CircuitBreaker("p", _store, _time, 1, Recovery, TimeSpan.MaxValue);
        await Fail(breaker, 1);
        _time.Advance(Recovery);
        var (probe, _) = await breaker.AcquireAsync(default);
        Assert.True(probe.IsProbe);
        Assert.Equal(DateTimeOffset.MaxValue, breaker.Snapshot.ProbeLeaseUntil);
        Assert.False((await breaker.AcquireAsync(default)).Permit.Allowed);
    }

    [Fact]
    public void AddSaturating_NeverOverflows()
    {
        var now = _time.GetUtcNow();
        Assert.Equal(now + TimeSpan.FromSeconds(5), CircuitBreaker.AddSaturating(now, TimeSpan.FromSeconds(5)));
        Assert.Equal(DateTimeOffset.MaxValue, CircuitBreaker.AddSaturating(now, TimeSpan.MaxValue));
        Assert.Equal(DateTimeOffset.MaxValue, CircuitBreaker.AddSaturating(now, Timeout.InfiniteTimeSpan));
        Assert.Equal(DateTimeOffset.MaxValue, CircuitBreaker.AddSaturating(DateTimeOffset.MaxValue, TimeSpan.FromTicks(1)));
        Assert.Equal(DateTimeOffset.MinValue, CircuitBreaker.AddSaturating(now, TimeSpan.MinValue));
        Assert.Equal(TimeSpan.MaxValue, CircuitBreaker.ProbeLeaseFor(TimeSpan.MaxValue, Recovery));
        Assert.Equal(TimeSpan.FromSeconds(31), CircuitBreaker.ProbeLeaseFor(TimeSpan.FromSeconds(30), Recovery));
        Assert.Equal(Recovery, CircuitBreaker.ProbeLeaseFor(Timeout.InfiniteTimeSpan, Recovery));
    }

    [Fact]
    public async Task Closed_HotPath_AllocatesNothing()
    {
        using var breaker = Create();
        for (var i = 0; i < 100; i++)
        {
            var (warm, _) = await breaker.AcquireAsync(default);
            await breaker.RecordSuccessAsync(warm, default);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            var pending = breaker.AcquireAsync(default);
            Assert.True(pending.IsCompletedSuccessfully);
            var (permit, _) = await pending;
            var success = breaker.RecordSuccessAsync(permit, default);
            Assert.True(success.IsCompletedSuccessfully);
            await success;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private sealed class UnsubscribableStore : INotifyingCircuitStateStore
    {
        private readonly InMemoryCircuitStateStore _inner = new();

        public ValueTask<CircuitStateEntry> GetAsync(string key, CancellationToken cancellationToken) => _inner.GetAsync(key, cancellationToken);

        public ValueTask<bool> TryReplaceAsync(string key, CircuitStateEntry expected, CircuitStateEntry replacement, CancellationToken cancellationToken) =>
            _inner.TryReplaceAsync(key, expected, replacement, cancellationToken);

        public IDisposable Subscribe(string key, Action<CircuitStateEntry> onChanged) => throw new InvalidOperationException("no pub/sub here");
    }
}
