using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;

namespace FlexiAI.Benchmarks;

/// <summary>
/// Paired, interleaved loopback measurements that BenchmarkDotNet cannot make (it runs one benchmark after another):
/// <list type="bullet">
/// <item><c>loopback-latency</c>: sequential non-streaming requests, the variants taking turns in small blocks (the order
/// rotates every round), so drift of the shared machine hits every variant alike; p50 and allocation per request for each
/// variant and its difference to the direct SDK call, as the median over repeats with min–max;</item>
/// <item><c>loopback-throughput</c>: N concurrent callers for a fixed time, direct and FlexiAI alternating round by round;
/// the ratio FlexiAI/direct per round, as the median with min–max.</item>
/// </list>
/// Allocations are <see cref="GC.GetTotalAllocatedBytes(bool)"/> deltas: every thread, so they include the emulator's server
/// side, which is the same for every variant; the differences are the client side's.
/// </summary>
internal static class LoopbackPaired
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> RunLatencyAsync(int repeats, int rounds, int perBlock, string providerType)
    {
        await using var fixture = await LoopbackFixture.StartAsync(providerType).ConfigureAwait(false);
        var variants = Variants(fixture);
        Console.WriteLine($"loopback latency ({fixture.ProviderType}): {repeats} repeats × {rounds} rounds × {perBlock} sequential requests per variant and round, interleaved; {Environment.ProcessorCount} cores, emulator in this process");

        // Warm up: JIT tiers, connections, the SDKs' caches.
        var warmUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 3;
        while (Stopwatch.GetTimestamp() < warmUntil)
        {
            foreach (var (_, call) in variants)
            {
                for (var i = 0; i < 20; i++)
                {
                    await call().ConfigureAwait(false);
                }
            }
        }

        var n = variants.Length;
        var p50 = new double[repeats, n];
        var p90 = new double[repeats, n];
        var bytes = new double[repeats, n];
        for (var r = 0; r < repeats; r++)
        {
            var samples = new List<double>[n];
            var allocated = new long[n];
            for (var v = 0; v < n; v++)
            {
                samples[v] = new List<double>(rounds * perBlock);
            }

            for (var round = 0; round < rounds; round++)
            {
                for (var k = 0; k < n; k++)
                {
                    // Rotate the start and alternate the direction, so no variant always follows the same one.
                    var v = round % 2 == 0 ? (k + round) % n : (n - 1 - k + round) % n;
                    var call = variants[v].Call;
                    var before = GC.GetTotalAllocatedBytes(precise: true);
                    for (var i = 0; i < perBlock; i++)
                    {
                        var start = Stopwatch.GetTimestamp();
                        await call().ConfigureAwait(false);
                        samples[v].Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                    }

                    allocated[v] += GC.GetTotalAllocatedBytes(precise: true) - before;
                }
            }

            for (var v = 0; v < n; v++)
            {
                samples[v].Sort();
                p50[r, v] = Percentile(samples[v], 0.50);
                p90[r, v] = Percentile(samples[v], 0.90);
                bytes[r, v] = (double)allocated[v] / samples[v].Count;
            }

            Console.WriteLine($"  repeat {r + 1}: " + string.Join("  ", Enumerable.Range(0, n).Select(v =>
                string.Create(Inv, $"{variants[v].Name} p50 {p50[r, v]:F1} µs, {bytes[r, v]:F0} B"))));
        }

        Console.WriteLine();
        Console.WriteLine("| variant | p50 | p90 | allocated/request | Δ p50 vs direct | Δ allocated vs direct |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        for (var v = 0; v < n; v++)
        {
            var dp = Column(repeats, r => p50[r, v] - p50[r, 0]);
            var dpp = Column(repeats, r => (p50[r, v] / p50[r, 0] - 1) * 100);
            var db = Column(repeats, r => bytes[r, v] - bytes[r, 0]);
            var delta = v == 0 ? "— | — |" : string.Create(Inv, $"{Summary(dp, "+0.0;-0.0")} µs ({Median(dpp):+0.0;-0.0} %) | {Summary(db, "+0;-0")} B |");
            Console.WriteLine(string.Create(Inv,
                $"| {variants[v].Name} | {Summary(Column(repeats, r => p50[r, v]), "F1")} µs | {Summary(Column(repeats, r => p90[r, v]), "F1")} µs | {Summary(Column(repeats, r => bytes[r, v]), "F0")} B | {delta}"));
        }

        Console.WriteLine("(median over repeats, [min – max] in brackets)");
        return 0;
    }

    public static async Task<int> RunThroughputAsync(int rounds, TimeSpan duration, int concurrency, string providerType)
    {
        await using var fixture = await LoopbackFixture.StartAsync(providerType).ConfigureAwait(false);
        var sides = new (string Name, Func<Task<ChatResponse>> Call)[]
        {
            ("direct", () => fixture.Direct.GetResponseAsync(fixture.Messages)),
            ("FlexiAI", () => fixture.FlexiAI.GetResponseAsync(fixture.Messages)),
        };
        Console.WriteLine($"loopback throughput ({fixture.ProviderType}): {rounds} rounds × {duration.TotalSeconds:0.#} s per side, {concurrency} concurrent callers, sides alternating; {Environment.ProcessorCount} cores, emulator in this process");

        // Warm up long: under 256 callers the JIT's tiering (with dynamic PGO) and the thread pool take many seconds to settle;
        // measured from the first second, throughput climbs for ~10 s.
        for (var w = 0; w < 3; w++)
        {
            foreach (var side in sides)
            {
                await LoadAsync(side.Call, TimeSpan.FromSeconds(3), concurrency).ConfigureAwait(false);
            }
        }

        var rates = new double[rounds, 2];
        var bytes = new double[rounds, 2];
        var cpu = new double[rounds, 2];
        using var process = Process.GetCurrentProcess();
        for (var round = 0; round < rounds; round++)
        {
            for (var k = 0; k < 2; k++)
            {
                var s = round % 2 == 0 ? k : 1 - k;
                process.Refresh();
                var cpuBefore = process.TotalProcessorTime;
                var before = GC.GetTotalAllocatedBytes(precise: true);
                var (count, elapsed) = await LoadAsync(sides[s].Call, duration, concurrency).ConfigureAwait(false);
                bytes[round, s] = (double)(GC.GetTotalAllocatedBytes(precise: true) - before) / count;
                process.Refresh();
                cpu[round, s] = (process.TotalProcessorTime - cpuBefore).TotalMicroseconds / count;
                rates[round, s] = count / elapsed.TotalSeconds;
            }

            Console.WriteLine(string.Create(Inv, $"  round {round + 1}: direct {rates[round, 0]:F0}/s, FlexiAI {rates[round, 1]:F0}/s, ratio {rates[round, 1] / rates[round, 0]:F3}"));
        }

        Console.WriteLine();
        Console.WriteLine("| side | requests/s | CPU/request (client + server) | allocated/request (client + server) |");
        Console.WriteLine("|---|---:|---:|---:|");
        for (var s = 0; s < 2; s++)
        {
            Console.WriteLine(string.Create(Inv, $"| {sides[s].Name} | {Summary(Column(rounds, r => rates[r, s]), "F0")} | {Summary(Column(rounds, r => cpu[r, s]), "F1")} µs | {Summary(Column(rounds, r => bytes[r, s]), "F0")} B |"));
        }

        Console.WriteLine(string.Create(Inv, $"ratio FlexiAI/direct: {Summary(Column(rounds, r => rates[r, 1] / rates[r, 0]), "F3")} (median over rounds [min – max])"));
        return 0;
    }

    /// <summary>
    /// <c>loopback-loop</c>: one ladder step, sequentially, for a profiler or <c>strace -c</c> attached from outside (e.g.
    /// <c>DOTNET_PerfMapEnabled=1 perf record -g</c>); 3,000 warm-up requests first, then <paramref name="requests"/>.
    /// </summary>
    public static async Task<int> RunLoopAsync(string variant, int requests, string providerType)
    {
        await using var fixture = await LoopbackFixture.StartAsync(providerType).ConfigureAwait(false);
        var variants = Variants(fixture);
        var call = variants.FirstOrDefault(v => string.Equals(v.Name, variant, StringComparison.OrdinalIgnoreCase)).Call
            ?? throw new ArgumentException($"Unknown variant '{variant}'; use one of: {string.Join(", ", variants.Select(v => v.Name))}.", nameof(variant));
        for (var i = 0; i < 3000; i++)
        {
            await call().ConfigureAwait(false);
        }

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < requests; i++)
        {
            await call().ConfigureAwait(false);
        }

        Console.WriteLine(string.Create(Inv, $"{variant}: {requests} requests in {watch.Elapsed.TotalSeconds:F1} s ({watch.Elapsed.TotalMicroseconds / requests:F1} µs each, sequential)"));
        return 0;
    }

    /// <summary>The ladder from the direct SDK call to FlexiAI; each step adds one piece of FlexiAI's per-request work.</summary>
    internal static (string Name, Func<Task<ChatResponse>> Call)[] Variants(LoopbackFixture fixture) =>
    [
        ("direct", () => fixture.Direct.GetResponseAsync(fixture.Messages)),
        ("direct+deadline", fixture.DirectWithDeadlineAsync),
        ("direct+pooled deadline", fixture.DirectWithPooledDeadlineAsync),
        ("wrappers", () => fixture.Wrapped.GetResponseAsync(fixture.Messages)),
        ("FlexiAI", () => fixture.FlexiAI.GetResponseAsync(fixture.Messages)),
    ];

    private static async Task<(long Count, TimeSpan Elapsed)> LoadAsync(Func<Task<ChatResponse>> call, TimeSpan duration, int concurrency)
    {
        using var stop = new CancellationTokenSource(duration);
        var token = stop.Token;
        async Task<long> Worker()
        {
            await Task.Yield();
            long done = 0;
            while (!token.IsCancellationRequested)
            {
                await call().ConfigureAwait(false);
                done++;
            }

            return done;
        }

        var watch = Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Worker())).ConfigureAwait(false);
        watch.Stop();
        return (counts.Sum(), watch.Elapsed);
    }

    private static double[] Column(int count, Func<int, double> value) => [.. Enumerable.Range(0, count).Select(value)];

    private static double Percentile(List<double> sorted, double q) => sorted[(int)Math.Min(sorted.Count - 1, Math.Round(q * (sorted.Count - 1)))];

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Summary(double[] values, string format) =>
        values.Length == 1
            ? values[0].ToString(format, Inv)
            : $"{Median(values).ToString(format, Inv)} [{values.Min().ToString(format, Inv)} – {values.Max().ToString(format, Inv)}]";
}
