using System.Collections.Concurrent;

namespace FlexiAI;

/// <summary>
/// Reuses the cancellation sources of attempt deadlines: a source whose attempt ended uncancelled is reset
/// (<see cref="CancellationTokenSource.TryReset"/> keeps its timer and registration storage) and handed to the next attempt,
/// so a request allocates no timer. Sources are bound to the client's <see cref="TimeProvider"/>; a cancelled one is disposed.
/// </summary>
internal sealed class DeadlinePool(TimeProvider time)
{
    private const int MaxPooled = 1024;
    private readonly ConcurrentQueue<CancellationTokenSource> _sources = new();
    private int _count;

    public TimeProvider Time => time;

    public CancellationTokenSource Rent()
    {
        if (_sources.TryDequeue(out var source))
        {
            Interlocked.Decrement(ref _count);
            return source;
        }

        return new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
    }

    public void Return(CancellationTokenSource source)
    {
        if (!source.TryReset())
        {
            source.Dispose();
            return;
        }

        if (Interlocked.Increment(ref _count) > MaxPooled)
        {
            Interlocked.Decrement(ref _count);
            source.Dispose();
            return;
        }

        _sources.Enqueue(source);
    }
}
