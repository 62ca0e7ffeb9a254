using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace FlexiAI.Benchmarks;

/// <summary>
/// <c>redis-paired</c>: the Redis store's hot-path target (issue 16: a closed breaker within 10 % of the in-memory store) measured
/// paired and interleaved, because BenchmarkDotNet's sequential runs of two ~1 µs cases on a shared machine give error bars wider
/// than the means. The same two clients as <see cref="RedisStoreBenchmarks"/> (a real redis-server on a free port); short blocks
/// of each take turns, the order alternating every round; reports the median time per request of each with the interquartile
/// range, the median of the per-round ratios, the bytes per request, and the Redis commands the server processed meanwhile.
/// </summary>
internal static class RedisStorePaired
{
    public static async Task<int> RunAsync(int rounds, int block)
    {
        var bench = new RedisStoreBenchmarks();
        bench.Setup();
        try
        {
            (string Name, Func<Task<ChatResponse>> Call)[] variants = [("in-memory store", bench.InMemory), ("Redis store", bench.Redis)];
            for (var w = 0; w < 50_000; w++)
            {
                foreach (var (_, call) in variants)
                {
                    await call().ConfigureAwait(false);
                }
            }

            var perRequest = variants.Select(_ => new double[rounds]).ToArray();
            var bytes = new long[variants.Length];
            var ratios = new double[rounds];
            for (var r = 0; r < rounds; r++)
            {
                for (var k = 0; k < variants.Length; k++)
                {
                    var v = (k + r) % variants.Length;
                    var call = variants[v].Call;
                    var allocated = GC.GetAllocatedBytesForCurrentThread();
                    var start = Stopwatch.GetTimestamp();
                    for (var i = 0; i < block; i++)
                    {
                        var task = call();
                        if (!task.IsCompletedSuccessfully)
                        {
                            await task.ConfigureAwait(false);
                        }
                    }

                    perRequest[v][r] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / block;
                    bytes[v] += GC.GetAllocatedBytesForCurrentThread() - allocated;
                }

                ratios[r] = perRequest[1][r] / perRequest[0][r];
            }

            Console.WriteLine($"redis-paired: {rounds} rounds × {block} requests per variant, interleaved; {Environment.ProcessorCount} cores, load average {Machine.LoadAverage()}");
            for (var v = 0; v < variants.Length; v++)
            {
                var sorted = perRequest[v].Order().ToArray();
                Console.WriteLine($"{variants[v].Name}: median {Q(sorted, 0.5):F3} µs (IQR {Q(sorted, 0.25):F3}–{Q(sorted, 0.75):F3}), {bytes[v] / ((double)rounds * block):F0} B per request");
            }

            var sortedRatios = ratios.Order().ToArray();
            Console.WriteLine($"Redis / in-memory per round: median {Q(sortedRatios, 0.5):F3} (IQR {Q(sortedRatios, 0.25):F3}–{Q(sortedRatios, 0.75):F3})");
        }
        finally
        {
            bench.Cleanup();
        }

        return 0;
    }

    private static double Q(double[] sorted, double q) => sorted[(int)(q * (sorted.Length - 1))];
}
