namespace FlexiAI;

/// <summary>
/// One per-process sliding one-minute window: 12 segments of 5 seconds; permits taken in a segment come back when that segment
/// leaves the window, 55 to 60 seconds later. Moved by the client's <see cref="TimeProvider"/>, so tests drive it with a fake clock.
/// </summary>
/// <remarks>
/// Not <c>System.Threading.RateLimiting</c>: its sliding-window limiter reads <c>Stopwatch</c> even when replenished by hand, so it
/// cannot follow a <see cref="TimeProvider"/> (FlexiAI times everything with one), and it cannot correct permits already taken
/// (tokens are reserved from an estimate and corrected from actual usage). This is the same segmented algorithm.
/// </remarks>
internal sealed class LocalRateWindow
{
    private const int Segments = 12;
    private static readonly long SegmentTicks = TimeSpan.FromSeconds(60.0 / Segments).Ticks;
    private readonly long[] _taken = new long[Segments];
    private readonly TimeProvider _time;
    private readonly long _originTicks;
    private readonly Lock _lock = new();
    private long _current;
    private long _used;

    public LocalRateWindow(int limit, TimeProvider time)
    {
        Limit = limit;
        _time = time;
        _originTicks = time.GetUtcNow().UtcTicks;
    }

    public int Limit { get; }

    /// <summary>Gets the permits the window holds now (taken in the last minute, after corrections).</summary>
    public long Used
    {
        get
        {
            lock (_lock)
            {
                Advance();
                return _used;
            }
        }
    }

    /// <summary>Takes <paramref name="permits"/> (at most the limit) if the window has room; otherwise returns when enough permits come back.</summary>
    public bool TryTake(int permits, out DateTimeOffset retryAt) => TryTake(permits, out retryAt, out _);

    /// <summary>
    /// Takes <paramref name="permits"/> (at most the limit) if the window has room, returning in <paramref name="segment"/> where they
    /// were counted (for <see cref="Correct"/>); otherwise returns when enough permits come back.
    /// </summary>
    public bool TryTake(int permits, out DateTimeOffset retryAt, out long segment)
    {
        permits = Math.Clamp(permits, 1, Limit);
        lock (_lock)
        {
            Advance();
            segment = _current;
            if (_used + permits <= Limit)
            {
                _taken[(int)(_current % Segments)] += permits;
                _used += permits;
                retryAt = default;
                return true;
            }

            // The oldest segments leave first: find the one after which enough permits are back.
            var freed = 0L;
            var back = _current + Segments;
            for (var s = _current - Segments + 1; s <= _current; s++)
            {
                freed += _taken[Slot(s)];
                if (_used - freed + permits <= Limit)
                {
                    back = s + Segments;
                    break;
                }
            }

            retryAt = new DateTimeOffset(_originTicks + (back * SegmentTicks), TimeSpan.Zero);
            return false;
        }
    }

    /// <summary>
    /// Corrects permits taken in <paramref name="segment"/> by <paramref name="delta"/> (actual use minus the reservation). While that
    /// segment is in the window the correction is counted there (it leaves with the reservation); once it has left, a positive
    /// correction is counted now and a negative one has nothing left to free.
    /// </summary>
    public void Correct(long segment, long delta)
    {
        if (delta == 0)
        {
            return;
        }

        lock (_lock)
        {
            Advance();
            var inWindow = segment > _current - Segments && segment <= _current;
            if (!inWindow)
            {
                if (delta < 0)
                {
                    return;
                }

                segment = _current;
            }

            var slot = Slot(segment);
            var applied = Math.Max(delta, -_taken[slot]); // a segment never holds fewer than zero permits
            _taken[slot] += applied;
            _used += applied;
        }
    }

    private static int Slot(long segment) => (int)(((segment % Segments) + Segments) % Segments);

    /// <summary>Moves the window to now: segments that left it give their permits back. Called under the lock.</summary>
    private void Advance()
    {
        var segment = Math.Max(_current, (_time.GetUtcNow().UtcTicks - _originTicks) / SegmentTicks);
        if (segment - _current >= Segments)
        {
            Array.Clear(_taken);
            _used = 0;
            _current = segment;
            return;
        }

        while (_current < segment)
        {
            _current++;
            var slot = Slot(_current);
            _used -= _taken[slot];
            _taken[slot] = 0;
        }
    }
}
