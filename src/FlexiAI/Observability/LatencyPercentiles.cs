namespace FlexiAI;

/// <summary>Latency percentiles over the metrics window, read from a fixed-bin histogram (within a few percent of the exact value).</summary>
/// <param name="Count">How many samples the window holds.</param>
/// <param name="P50">The median.</param>
/// <param name="P95">The 95th percentile.</param>
/// <param name="P99">The 99th percentile.</param>
public sealed record LatencyPercentiles(long Count, TimeSpan P50, TimeSpan P95, TimeSpan P99);
