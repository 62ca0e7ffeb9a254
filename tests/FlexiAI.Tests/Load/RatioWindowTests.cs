using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace FlexiAI.Tests.Load;

/// <summary>The ratio-mode breaker's sliding window, by a fake clock.</summary>
public class RatioWindowTests
{
    private static readonly TimeSpan Sampling = TimeSpan.FromSeconds(10); // ten 1-second buckets

    private readonly FakeTimeProvider _time = new(TestClients.Start);

    [Fact]
    public void RecordFailure_BelowMinimumThroughput_NeverTrips()
    {
        var window = new FailureRatioWindow(_time, Sampling, failureRatio: 0.5, minimumThroughput: 20);

        for (var i = 0; i < 19; i++)
        {
            Assert.False(window.RecordFailure()); // 100 % failures, but fewer than 20 calls
        }

        Assert.True(window.RecordFailure()); // the 20th call reaches the minimum throughput
    }

    [Fact]
    public void RecordFailure_ExactTripPoint_IsTheRatioReached()
    {
        var window = new FailureRatioWindow(_time, Sampling, failureRatio: 0.5, minimumThroughput: 20);
        for (var i = 0; i < 10; i++)
        {
            window.RecordSuccess();
        }

        for (var i = 0; i < 9; i++)
        {
            Assert.False(window.RecordFailure()); // up to 9 of 19 calls: below the minimum throughput
        }

        Assert.True(window.RecordFailure()); // 10 of 20 = 0.5: trips exactly at the ratio
    }

    [Fact]
    public void RecordFailure_JustBelowTheRatio_DoesNotTrip()
    {
        var window = new FailureRatioWindow(_time, Sampling, failureRatio: 0.5, minimumThroughput: 20);
        for (var i = 0; i < 11; i++)
        {
            window.RecordSuccess();
        }

        for (var i = 0; i < 10; i++)
        {
            Assert.False(window.RecordFailure()); // 10 of 21 < 0.5
        }
    }

    [Fact]
    public void Buckets_RollOver_OldCallsLeaveTheWindow()
    {
        var window = new FailureRatioWindow(_time, Sampling, failureRatio: 0.5, minimumThroughput: 4);
        window.RecordFailure();
        window.RecordFailure();
        window.RecordFailure();
        Assert.Equal((3, 3), window.Read());

        _time.Advance(TimeSpan.FromSeconds(5));
        window.RecordSuccess();
        Assert.Equal((4, 3), window.Read()); // all within the window

        _time.Advance(TimeSpan.FromSeconds(5)); // the first bucket is 10 buckets old: out
        Assert.Equal((1, 0), window.Read());
        Assert.False(window.RecordFailure()); // 2 calls: below the minimum again

        _time.Advance(TimeSpan.FromSeconds(10)); // everything out
        Assert.Equal((0, 0), window.Read());
    }

    [Fact]
    public void Buckets_ReusedSlot_StartsEmpty()
    {
        var window = new FailureRatioWindow(_time, Sampling, failureRatio: 0.5, minimumThroughput: 1);
        window.RecordSuccess();
        _time.Advance(TimeSpan.FromSeconds(10)); // the same slot of the ring, ten buckets later
        window.RecordSuccess();
        Assert.Equal((1, 0), window.Read());
    }

    [Fact]
    public async Task Breaker_RatioMode_FailuresBetweenSuccessesStillOpen()
    {
        // 50 % random-looking failures interleaved with successes: a consecutive breaker at 5 never opens; the ratio one does.
        using var breaker = new CircuitBreaker("p", new InMemoryCircuitStateStore(), _time, threshold: 5, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(31),
            ratioWindow: new FailureRatioWindow(_time, Sampling, 0.5, 20));
        CircuitStateChange? opened = null;
        for (var i = 0; i < 20 && opened is null; i++)
        {
            var (permit, _) = await breaker.AcquireAsync(default);
            if (i % 2 == 0)
            {
                Assert.Null(await breaker.RecordSuccessAsync(permit, default));
            }
            else
            {
                opened = await breaker.RecordFailureAsync(permit, ErrorCategory.ServerError, counts: true, default);
            }
        }

        Assert.NotNull(opened);
        Assert.Equal(CircuitState.Open, breaker.Snapshot.State);
        Assert.Equal((0, 0), breaker.RatioWindow!.Read()); // a new period starts
    }

    [Fact]
    public async Task Breaker_RatioMode_ClosedSuccessDoesNotWriteTheStore()
    {
        var store = new InMemoryCircuitStateStore();
        using var breaker = new CircuitBreaker("p", store, _time, threshold: 5, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(31),
            ratioWindow: new FailureRatioWindow(_time, Sampling, 0.5, 20));
        var (permit, _) = await breaker.AcquireAsync(default);
        await breaker.RecordFailureAsync(permit, ErrorCategory.ServerError, counts: true, default);
        var success = breaker.RecordSuccessAsync(permit, default);

        Assert.True(success.IsCompletedSuccessfully); // the synchronous fast path
        Assert.Equal(0, (await store.GetAsync("p", default)).Version); // neither the failure nor the success touched the store
        Assert.Equal((2, 1), breaker.RatioWindow!.Read());
    }
}
