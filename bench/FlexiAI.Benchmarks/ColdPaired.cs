using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace FlexiAI.Benchmarks;

/// <summary>
/// <c>cold-paired</c>: why the request path costs ~20 µs in place behind an HTTP call but ~1.3 µs in a loop (issue 9). The same
/// in-memory comparison as <c>obs-paired</c> (the in-memory provider directly vs <see cref="FlexiAIClient"/> over it, nobody
/// listening), but every single request is preceded by an untimed step that evicts the CPU caches the way an HTTP exchange
/// does: a walk over a buffer (one write per 64-byte line) of 0 (warm, as in a benchmark loop), 2 MiB (this VM's L1 and L2), 16 MiB
/// (half the L3) or 48 MiB (all of it). Each request is timed alone; variants take turns request by request. Reports the p50 and p90 of each and
/// the difference of the p50s.
/// </summary>
internal static class ColdPaired
{
    public static async Task<int> RunAsync(int requests)
    {
        using var clients = new ObservedClients();
        (string Name, Func<Task<ChatResponse>> Call)[] variants = [("direct", clients.Direct), ("FlexiAI", clients.Quiet)];
        for (var w = 0; w < 50_000; w++)
        {
            foreach (var (_, call) in variants)
            {
                await call().ConfigureAwait(false);
            }
        }

        var big = new byte[48 << 20];
        Console.WriteLine($"cold-paired: {requests} requests per variant and cache state, one at a time, variants alternating; {Environment.ProcessorCount} cores, load average {Machine.LoadAverage()}");
        Console.WriteLine("| caches before each request | direct p50 / p90 | FlexiAI p50 / p90 | FlexiAI − direct (p50) |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (label, bytes) in new[] { ("warm (no eviction)", 0), ("2 MiB walked (L1 + L2 evicted)", 2 << 20), ("16 MiB walked (half of L3)", 16 << 20), ("48 MiB walked (L3 too)", 48 << 20) })
        {
            var times = variants.Select(_ => new double[requests]).ToArray();
            for (var i = 0; i < requests; i++)
            {
                for (var k = 0; k < variants.Length; k++)
                {
                    var v = (k + i) % variants.Length;
                    Evict(big, bytes);
                    var start = Stopwatch.GetTimestamp();
                    var task = variants[v].Call();
                    if (!task.IsCompletedSuccessfully)
                    {
                        await task.ConfigureAwait(false);
                    }

                    times[v][i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                }
            }

            foreach (var t in times)
            {
                Array.Sort(t);
            }

            double P(double[] t, double q) => t[(int)(q * (t.Length - 1))];
            Console.WriteLine($"| {label} | {P(times[0], 0.5):F2} / {P(times[0], 0.9):F2} µs | {P(times[1], 0.5):F2} / {P(times[1], 0.9):F2} µs | **{P(times[1], 0.5) - P(times[0], 0.5):+0.00;-0.00} µs** |");
        }

        Console.WriteLine($"load average at the end {Machine.LoadAverage()}");
        return 0;
    }

    private static void Evict(byte[] buffer, int bytes)
    {
        for (var i = 0; i < bytes; i += 64)
        {
            buffer[i]++;
        }
    }
}
