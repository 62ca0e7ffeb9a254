namespace FlexiAI;

/// <summary>
/// The sliding window of a ratio-mode breaker: calls and counted failures over the last sampling duration, kept in a fixed
/// ring of time buckets (bounded memory) by the client's <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// <para>
/// Recording takes no lock and allocates nothing: one timestamp read, and Interlocked increments on the current bucket. A bucket
/// is reused when time moves past it (the caller that sees it first zeroes it with a compare-and-swap on its epoch); an
/// increment racing that roll-over may be lost, which only makes the window a call or two more lenient.
/// </para>
/// <para>
/// The window covers the current bucket and the <see cref="BucketCount"/> − 1 before it, so it looks back between 90 % and
/// 100 % of the sampling duration. The window is this instance's own: in a fleet sharing a state store, the open/closed state
/// is shared, the ratio each instance judges is its own traffic's.
/// </para>
/// </remarks>
internal sealed class FailureRatioWindow
{
    /// <summary>How many buckets the sampling duration is split into.</summary>
    public const int BucketCount = 10;

    private readonly Bucket[] _buckets = new Bucket[BucketCount];
    private readonly TimeProvider _time;
    private readonly long _bucketLength;
    private readonly double _ratio;
    private readonly int _minimum;

    /// <summary>Initializes a new instance of the <see cref="FailureRatioWindow"/> class.</summary>
    /// <param name="time">The clock.</param>
    /// <param name="samplingDuration">How far back the window looks.</param>
    /// <param name="failureRatio">The share of failures that trips (0 &lt; ratio ≤ 1).</param>
    /// <param name="minimumThroughput">The calls the window must hold before it can trip.</param>
    public FailureRatioWindow(TimeProvider time, TimeSpan samplingDuration, double failureRatio, int minimumThroughput)
    {
        _time = time;
        _bucketLength = Math.Max(1, (long)(samplingDuration.TotalSeconds * time.TimestampFrequency / BucketCount));
        _ratio = failureRatio;
        _minimum = Math.Max(1, minimumThroughput);
        Reset();
    }

    /// <summary>Records a successful call.</summary>
    public void RecordSuccess()
    {
        var epoch = Epoch();
        Interlocked.Increment(ref Current(epoch).Successes);
    }

    /// <summary>Records a counted failure and says whether the window now trips.</summary>
    /// <returns><see langword="true"/> when the window holds at least the minimum throughput and its failure share reached the ratio.</returns>
    public bool RecordFailure()
    {
        var epoch = Epoch();
        Interlocked.Increment(ref Current(epoch).Failures);
        var (calls, failures) = Totals(epoch);
        return calls >= _minimum && failures >= _ratio * calls;
    }

    /// <summary>Reads the window's calls and failures now (for tests and status).</summary>
    /// <returns>The totals.</returns>
    public (int Calls, int Failures) Read() => Totals(Epoch());

    /// <summary>Forgets everything (the breaker opened or closed: a new period starts).</summary>
    public void Reset()
    {
        for (var i = 0; i < _buckets.Length; i++)
        {
            Volatile.Write(ref _buckets[i].Epoch, long.MinValue);
            Volatile.Write(ref _buckets[i].Successes, 0);
            Volatile.Write(ref _buckets[i].Failures, 0);
        }
    }

    private long Epoch() => _time.GetTimestamp() / _bucketLength;

    private ref Bucket Current(long epoch)
    {
        ref var bucket = ref _buckets[(int)(epoch % BucketCount)];
        var seen = Volatile.Read(ref bucket.Epoch);
        if (seen != epoch && Interlocked.CompareExchange(ref bucket.Epoch, epoch, seen) == seen)
        {
            // This caller moved the bucket to the new epoch: it starts empty.
            Volatile.Write(ref bucket.Successes, 0);
            Volatile.Write(ref bucket.Failures, 0);
        }

        return ref bucket;
    }

    private (int Calls, int Failures) Totals(long epoch)
    {
        int successes = 0, failures = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            var bucketEpoch = Volatile.Read(ref _buckets[i].Epoch);
            if (bucketEpoch <= epoch && bucketEpoch > epoch - BucketCount)
            {
                successes += Volatile.Read(ref _buckets[i].Successes);
                failures += Volatile.Read(ref _buckets[i].Failures);
            }
        }

        return (successes + failures, failures);
    }

    private struct Bucket
    {
        public long Epoch;
        public int Successes;
        public int Failures;
    }
}
