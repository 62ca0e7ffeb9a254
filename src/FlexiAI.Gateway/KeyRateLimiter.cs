namespace FlexiAI.Gateway;

/// <summary>A per-key requests-per-minute limit: a fixed one-minute window on the gateway's <see cref="TimeProvider"/>.</summary>
internal sealed class KeyRateLimiter(int perMinute, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly Lock _lock = new();
    private long _windowStart = long.MinValue;
    private int _count;

    /// <summary>Takes one request from the window; when it is full, returns <see langword="false"/> with the time until it resets.</summary>
    public bool TryAcquire(out TimeSpan retryAfter)
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            if (_windowStart == long.MinValue || time.GetElapsedTime(_windowStart, now) >= Window)
            {
                _windowStart = now;
                _count = 0;
            }

            if (_count < perMinute)
            {
                _count++;
                retryAfter = TimeSpan.Zero;
                return true;
            }

            retryAfter = Window - time.GetElapsedTime(_windowStart, now);
            return false;
        }
    }
}
