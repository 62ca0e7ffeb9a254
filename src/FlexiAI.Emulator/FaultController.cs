namespace FlexiAI.Emulator;

/// <summary>
/// Scripts the faults of one emulated instance. Each request takes, in order: the next queued fault
/// (<see cref="FailNext(int, Fault)"/>), else a fault drawn with the seeded ratio (<see cref="FailRatio"/>), else the
/// persistent fault (<see cref="FailAlways"/>), else none. Thread-safe.
/// </summary>
public sealed class FaultController
{
    private readonly object _gate = new();
    private readonly Queue<QueuedFaults> _queue = new();
    private Fault? _always;
    private Fault? _ratioFault;
    private double _ratio;
    private Random? _random;

    /// <summary>Gets how many faults have been injected so far.</summary>
    public int Injected { get; private set; }

    /// <summary>Makes the next <paramref name="count"/> requests fail with <paramref name="fault"/>.</summary>
    /// <param name="count">How many requests (0 does nothing).</param>
    /// <param name="fault">The fault.</param>
    /// <returns>This controller, for chaining.</returns>
    /// <remarks>The fault is queued once with its count, not once per request, so a large count costs no memory.</remarks>
    public FaultController FailNext(int count, Fault fault)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(fault);
        if (count == 0)
        {
            return this;
        }

        lock (_gate)
        {
            _queue.Enqueue(new QueuedFaults(fault, count));
        }

        return this;
    }

    /// <summary>Makes the next <paramref name="count"/> requests fail with an HTTP status and the provider's error body.</summary>
    /// <param name="count">How many requests.</param>
    /// <param name="statusCode">The status.</param>
    /// <param name="retryAfter">An optional <c>Retry-After</c>.</param>
    /// <returns>This controller, for chaining.</returns>
    public FaultController FailNext(int count, int statusCode, TimeSpan? retryAfter = null) => FailNext(count, Fault.Status(statusCode, retryAfter));

    /// <summary>Makes every request fail with <paramref name="fault"/> until <see cref="Clear"/>.</summary>
    /// <param name="fault">The fault.</param>
    /// <returns>This controller, for chaining.</returns>
    public FaultController FailAlways(Fault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        lock (_gate)
        {
            _always = fault;
        }

        return this;
    }

    /// <summary>Makes each request fail with <paramref name="fault"/> with probability <paramref name="ratio"/>, drawn from a seeded generator (reproducible).</summary>
    /// <param name="ratio">The probability, 0 to 1.</param>
    /// <param name="fault">The fault.</param>
    /// <param name="seed">The generator's seed.</param>
    /// <returns>This controller, for chaining.</returns>
    public FaultController FailRatio(double ratio, Fault fault, int seed = 42)
    {
        if (!(ratio is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "The ratio is a probability from 0 to 1.");
        }

        ArgumentNullException.ThrowIfNull(fault);
        lock (_gate)
        {
            _ratio = ratio;
            _ratioFault = fault;
#pragma warning disable CA5394 // Deterministic fault injection, not security.
            _random = new Random(seed);
#pragma warning restore CA5394
        }

        return this;
    }

    /// <summary>Removes every scripted fault.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _queue.Clear();
            _always = null;
            _ratioFault = null;
            _random = null;
        }
    }

    /// <summary>Takes the fault for the next request, if any.</summary>
    internal Fault? Next()
    {
        lock (_gate)
        {
            Fault? fault = null;
            if (_queue.TryPeek(out var queued))
            {
                fault = queued.Fault;
                if (--queued.Remaining == 0)
                {
                    _queue.Dequeue();
                }
            }
#pragma warning disable CA5394
            else if (_ratioFault is not null && _random!.NextDouble() < _ratio)
#pragma warning restore CA5394
            {
                fault = _ratioFault;
            }
            else
            {
                fault = _always;
            }

            if (fault is not null)
            {
                Injected++;
            }

            return fault;
        }
    }

    /// <summary>One <see cref="FailNext(int, Fault)"/> call: the fault and how many requests it still takes.</summary>
    private sealed class QueuedFaults(Fault fault, int remaining)
    {
        public Fault Fault { get; } = fault;

        public int Remaining { get; set; } = remaining;
    }
}
