using System.Runtime.CompilerServices;

namespace FlexiAI;

/// <summary>
/// Whether one <see cref="ICircuitStateStore"/> instance is answering, shared by every breaker that uses it (in every client),
/// so an outage is noticed once, logged once, and not paid for with a timeout by each breaker in turn.
/// </summary>
/// <remarks>
/// After a failure the store rests: breakers use their local state without calling it until the rest period is over; then
/// the next call (a request's or a refresh's) tries it again. A success ends the outage.
/// </remarks>
internal sealed class CircuitStoreHealth
{
    private static readonly ConditionalWeakTable<ICircuitStateStore, CircuitStoreHealth> Table = [];
    private long _restUntilUtcTicks;
    private int _down;

    /// <summary>Gets the health shared by every breaker over <paramref name="store"/>.</summary>
    public static CircuitStoreHealth For(ICircuitStateStore store) => Table.GetValue(store, static _ => new CircuitStoreHealth());

    /// <summary>Returns whether the store failed recently and should not be called before its rest period is over.</summary>
    public bool IsResting(DateTimeOffset now) => now.UtcTicks < Volatile.Read(ref _restUntilUtcTicks);

    /// <summary>Records a failure; returns <see langword="true"/> when it starts an outage (the caller logs it).</summary>
    public bool Failed(DateTimeOffset now, TimeSpan rest)
    {
        Volatile.Write(ref _restUntilUtcTicks, CircuitBreaker.AddSaturating(now, rest).UtcTicks);
        return Interlocked.Exchange(ref _down, 1) == 0;
    }

    /// <summary>Records a success; returns <see langword="true"/> when it ends an outage (the caller logs it).</summary>
    public bool Succeeded()
    {
        if (Volatile.Read(ref _down) == 0)
        {
            return false;
        }

        Volatile.Write(ref _restUntilUtcTicks, 0);
        return Interlocked.Exchange(ref _down, 0) == 1;
    }
}
