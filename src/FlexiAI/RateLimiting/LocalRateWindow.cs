using System.Threading.RateLimiting;

namespace FlexiAI;

/// <summary>
/// One per-process sliding one-minute window over <see cref="SlidingWindowRateLimiter"/> (12 segments of 5 seconds), moved by the
/// client's <see cref="TimeProvider"/> rather than a timer of its own, so tests drive it with a fake clock.
/// </summary>
/// <remarks>Permits taken in a segment come back when that segment leaves the window, 55 to 60 seconds later.</remarks>
internal sealed class LocalRateWindow : IDisposable
{
    private const int Segments = 12;
    private static readonly TimeSpan Segment = TimeSpan.FromSeconds(60.0 / Segments);
    private readonly SlidingWindowRateLimiter _limiter;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private long _segmentStartTicks;

    public LocalRateWindow(int limit, TimeProvider time)
    {
        Limit = limit;
        _time = time;
        _segmentStartTicks = time.GetUtcNow().UtcTicks;
        _limiter = new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
        {
            PermitLimit = limit,
            Window = TimeSpan.FromMinutes(1),
            SegmentsPerWindow = Segments,
            AutoReplenishment = false,
            QueueLimit = 0,
        });
    }

    public int Limit { get; }

    /// <summary>Takes <paramref name="permits"/> (at most the limit) if the window has room; otherwise returns when the next segment frees permits.</summary>
    public bool TryTake(int permits, out DateTimeOffset retryAt)
    {
        var now = Advance();
        using var lease = _limiter.AttemptAcquire(Math.Clamp(permits, 1, Limit));
        retryAt = new DateTimeOffset(Volatile.Read(ref _segmentStartTicks) + Segment.Ticks, TimeSpan.Zero);
        if (retryAt < now)
        {
            retryAt = now;
        }

        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();

    private DateTimeOffset Advance()
    {
        var now = _time.GetUtcNow();
        if (now.UtcTicks - Volatile.Read(ref _segmentStartTicks) < Segment.Ticks)
        {
            return now;
        }

        lock (_lock)
        {
            var elapsed = (now.UtcTicks - _segmentStartTicks) / Segment.Ticks;
            for (var i = 0; i < Math.Min(elapsed, Segments); i++)
            {
                _limiter.TryReplenish();
            }

            Volatile.Write(ref _segmentStartTicks, _segmentStartTicks + (elapsed * Segment.Ticks));
        }

        return now;
    }
}
