namespace FlexiAI;

/// <summary>
/// One per-process sliding one-minute window: 12 segments of 5 seconds; permits taken in a segment come back when that segment
/// leaves the window, 55 to 60 seconds later. Moved by the client's <see cref="TimeProvider"/>, so tests drive it with a fake clock.
/// </summary>
/// <remarks>
/// Not <c>System.Threading.RateLimiting</c>: its sliding-window limiter reads <c>Stopwatch</c> even when replenished by hand, so it
/// cannot follow a <see cref="TimeProvider"/> (FlexiAI times everything with one). This is the same segmented algorithm.
/// </remarks>
internal sealed class LocalRateWindow
{
    private const int Segments = 12;
    private static readonly long SegmentTicks = TimeSpan.FromSeconds(60.0 / Segments).Ticks;
    private readonly int[] _taken = new int[Segments];
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

    /// <summary>Takes <paramref name="permits"/> (at most the limit) if the window has room; otherwise returns when enough permits come back.</summary>
    public bool TryTake(int permits, out DateTimeOffset retryAt)
    {
        permits = Math.Clamp(permits, 1, Limit);
        lock (_lock)
        {
            var segment = Math.Max(_current, (_time.GetUtcNow().UtcTicks - _originTicks) / SegmentTicks);
            if (segment - _current >= Segments)
            {
                Array.Clear(_taken);
                _used = 0;
                _current = segment;
            }

            while (_current < segment)
            {
                _current++;
                var slot = (int)(_current % Segments);
                _used -= _taken[slot];
                _taken[slot] = 0;
            }

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
                freed += _taken[(int)(((s % Segments) + Segments) % Segments)];
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
}
