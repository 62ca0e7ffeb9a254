namespace FlexiAI;

/// <summary>
/// One provider's recent attempts over a sliding window: a ring of <see cref="Slots"/> time slots, each with success and
/// failure counts and fixed-bin histograms of latency and time to first token. Memory is fixed at construction; recording is
/// a few <see cref="Interlocked"/> increments (a slot is cleared, under a lock, once per slot width when time moves on).
/// </summary>
/// <remarks>
/// The window covers the current slot and the <see cref="Slots"/> − 1 before it, so it spans between
/// (<see cref="Slots"/> − 1) and <see cref="Slots"/> slot widths. Counts in the window are exact except for a write racing
/// the clearing of a slot; the cumulative totals kept elsewhere are always exact.
/// </remarks>
internal sealed class WindowedStats
{
    public const int Slots = 20;

    private readonly Slot[] _slots;
    private readonly long _slotTicks;

    /// <param name="window">The window's length.</param>
    /// <param name="frequency">Timestamps per second of the clock used (<see cref="TimeProvider.TimestampFrequency"/>).</param>
    public WindowedStats(TimeSpan window, long frequency)
    {
        _slotTicks = Math.Max(1, (long)(window.TotalSeconds * frequency / Slots));
        _slots = new Slot[Slots];
        for (var i = 0; i < Slots; i++)
        {
            _slots[i] = new Slot();
        }
    }

    public void RecordSuccess(long timestamp, TimeSpan latency, TimeSpan? timeToFirstToken)
    {
        var slot = Current(timestamp);
        Interlocked.Increment(ref slot.Successes);
        Interlocked.Increment(ref slot.Latency[LatencyBins.Of(latency)]);
        if (timeToFirstToken is { } ttft)
        {
            Interlocked.Increment(ref slot.FirstToken[LatencyBins.Of(ttft)]);
            Interlocked.Increment(ref slot.FirstTokenCount);
        }
    }

    public void RecordFailure(long timestamp) => Interlocked.Increment(ref Current(timestamp).Failures);

    /// <summary>Sums the slots inside the window into <paramref name="latency"/> and <paramref name="firstToken"/> (cleared first).</summary>
    public (long Successes, long Failures, long FirstTokens) Read(long timestamp, long[] latency, long[] firstToken)
    {
        Array.Clear(latency);
        Array.Clear(firstToken);
        var now = timestamp / _slotTicks;
        long successes = 0, failures = 0, firstTokens = 0;
        foreach (var slot in _slots)
        {
            var epoch = Volatile.Read(ref slot.Epoch);
            if (epoch > now || epoch <= now - Slots)
            {
                continue;
            }

            var s = Volatile.Read(ref slot.Successes);
            successes += s;
            failures += Volatile.Read(ref slot.Failures);
            if (s > 0)
            {
                Add(latency, slot.Latency);
            }

            var f = Volatile.Read(ref slot.FirstTokenCount);
            if (f > 0)
            {
                firstTokens += f;
                Add(firstToken, slot.FirstToken);
            }
        }

        return (successes, failures, firstTokens);
    }

    private static void Add(long[] into, long[] from)
    {
        for (var i = 0; i < into.Length; i++)
        {
            into[i] += Volatile.Read(ref from[i]);
        }
    }

    private Slot Current(long timestamp)
    {
        var epoch = timestamp / _slotTicks;
        var slot = _slots[(int)(epoch % Slots)];
        if (Volatile.Read(ref slot.Epoch) != epoch)
        {
            lock (slot)
            {
                if (slot.Epoch < epoch)
                {
                    Array.Clear(slot.Latency);
                    Array.Clear(slot.FirstToken);
                    slot.Successes = 0;
                    slot.Failures = 0;
                    slot.FirstTokenCount = 0;
                    Volatile.Write(ref slot.Epoch, epoch);
                }
            }
        }

        return slot;
    }

    private sealed class Slot
    {
        public readonly long[] Latency = new long[LatencyBins.Count];
        public readonly long[] FirstToken = new long[LatencyBins.Count];
        public long Epoch = long.MinValue;
        public long Successes;
        public long Failures;
        public long FirstTokenCount;
    }
}
