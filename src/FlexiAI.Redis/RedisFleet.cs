using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace FlexiAI.Redis;

/// <summary>One Redis connection and the stores a fleet shares over it (breaker state, budgets, rate limits), with one health view.</summary>
internal sealed class RedisFleet : IDisposable
{
    public RedisFleet(ConnectionMultiplexer connection, string prefix, string maskedConnection, TimeProvider time, ILogger logger)
    {
        Connection = connection;
        Health = new RedisHealth(logger, maskedConnection, prefix);
        RedisMetrics.Track(Health);
        connection.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                Health.Failed(e.Exception ?? new InvalidOperationException($"connection lost ({e.FailureType})"));
            }
        };
        CircuitStore = new RedisCircuitStateStore(connection, prefix, null, time, Health);
        Stores = new FleetStores(CircuitStore, new RedisBudgetStore(connection, prefix, Health), new RedisRateLimitStore(connection, prefix, Health), Health);
    }

    public ConnectionMultiplexer Connection { get; }

    public RedisHealth Health { get; }

    public RedisCircuitStateStore CircuitStore { get; }

    public FleetStores Stores { get; }

    public void Dispose()
    {
        RedisMetrics.Untrack(Health);
        CircuitStore.Dispose();
        Connection.Dispose();
    }
}
