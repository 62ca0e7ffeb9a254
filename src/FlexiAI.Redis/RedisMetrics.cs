using System.Diagnostics.Metrics;

namespace FlexiAI.Redis;

/// <summary>
/// The meter <c>FlexiAI.Redis</c>: <c>flexiai.redis.available</c> (1 while Redis answers, 0 while the fleet runs on local state, per
/// prefix) and <c>flexiai.redis.outages</c> (outages seen). Add the meter to your OpenTelemetry setup next to <c>FlexiAI</c>.
/// </summary>
internal static class RedisMetrics
{
    private static readonly Meter Meter = new("FlexiAI.Redis");
    private static readonly Lock Gate = new();
    private static RedisHealth[] _tracked = [];

    static RedisMetrics()
    {
        Meter.CreateObservableGauge("flexiai.redis.available", () => Observe(h => h.IsAvailable ? 1 : 0), "{state}", "1 while Redis answers; 0 while this instance runs on local state (degraded)");
        Meter.CreateObservableCounter("flexiai.redis.outages", () => Observe(h => h.Outages), "{outage}", "Redis outages this instance has seen");
    }

    public static void Track(RedisHealth health)
    {
        lock (Gate)
        {
            _tracked = [.. _tracked, health];
        }
    }

    public static void Untrack(RedisHealth health)
    {
        lock (Gate)
        {
            _tracked = [.. _tracked.Where(h => !ReferenceEquals(h, health))];
        }
    }

    private static IEnumerable<Measurement<int>> Observe(Func<RedisHealth, int> value) =>
        Volatile.Read(ref _tracked).Select(h => new Measurement<int>(value(h), new KeyValuePair<string, object?>("prefix", h.Prefix)));
}
