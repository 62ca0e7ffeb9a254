using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.AI;

namespace FlexiAI.Benchmarks;

/// <summary>
/// <c>obs-paired</c>: the observability time targets on a shared machine. Each round runs a short block of each variant back to back
/// (direct call, FlexiAI with nobody listening, FlexiAI with a MeterListener and an ActivityListener sampling all) and keeps each
/// block's time per request; a block is short (a few hundred microseconds) so most blocks run inside one scheduler slice. Reports,
/// per variant, the median over rounds with the interquartile range, and the median of the per-round differences to the direct
/// call; the same for the thread's CPU time (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>: time the thread ran, not time it waited for a core
/// — the better measure on a loaded machine); the exact bytes per request; and <c>GetMetrics()</c> with 10 providers after 1,000,000 recorded requests, timed the same way.
/// </summary>
internal static class ObservabilityPaired
{
    public static async Task<int> RunAsync(int rounds, int block)
    {
        using var clients = new ObservedClients();
        (string Name, Func<Task<ChatResponse>> Call)[] variants =
        [
            ("direct provider call", clients.Direct),
            ("FlexiAI, nobody listening", clients.Quiet),
            ("FlexiAI, MeterListener + ActivityListener", clients.Listened),
            ("FlexiAI, MeterListener only", clients.MeterOnly),
            ("FlexiAI, ActivityListener only", clients.TracedOnly),
            ("direct + two bare spans (the runtime's floor for tracing)", clients.DirectWithTwoBareSpans),
        ];
        for (var w = 0; w < 20_000; w++)
        {
            foreach (var (_, call) in variants)
            {
                await call().ConfigureAwait(false);
            }
        }

        var perRequest = variants.Select(_ => new double[rounds]).ToArray();
        var cpuPerRequest = variants.Select(_ => new double[rounds]).ToArray();
        var bytes = new long[variants.Length];
        var ticksToNs = 1e9 / Stopwatch.Frequency;
        for (var r = 0; r < rounds; r++)
        {
            // Rotate the order each round, so no variant always runs first after a pause.
            for (var k = 0; k < variants.Length; k++)
            {
                var v = (k + r) % variants.Length;
                var call = variants[v].Call;
                var allocated = GC.GetAllocatedBytesForCurrentThread();
                var cpu = ThreadCpuNanoseconds();
                var start = Stopwatch.GetTimestamp();
                for (var i = 0; i < block; i++)
                {
                    var task = call();
                    if (!task.IsCompletedSuccessfully)
                    {
                        await task.ConfigureAwait(false);
                    }
                }

                perRequest[v][r] = (Stopwatch.GetTimestamp() - start) * ticksToNs / block;
                cpuPerRequest[v][r] = (double)(ThreadCpuNanoseconds() - cpu) / block;
                bytes[v] += GC.GetAllocatedBytesForCurrentThread() - allocated;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"obs-paired: {rounds} rounds × {block} requests per variant, load average {Machine.LoadAverage()}"));
        Console.WriteLine("| variant | median ns/request (IQR) | median of per-round difference to direct (IQR) | thread CPU: median difference to direct (IQR) | bytes/request | bytes over direct |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        var n = (double)rounds * block;
        for (var v = 0; v < variants.Length; v++)
        {
            var (m, q1, q3) = Quartiles(perRequest[v]);
            var diff = Quartiles(perRequest[v].Select((x, r) => x - perRequest[0][r]).ToArray());
            var cpuDiff = Quartiles(cpuPerRequest[v].Select((x, r) => x - cpuPerRequest[0][r]).ToArray());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {variants[v].Name} | {m:F0} ({q1:F0}–{q3:F0}) | {(v == 0 ? "—" : $"{diff.Median:+0;-0} ({diff.Q1:+0;-0} – {diff.Q3:+0;-0})")} | {(v == 0 ? "—" : $"{cpuDiff.Median:+0;-0} ({cpuDiff.Q1:+0;-0} – {cpuDiff.Q3:+0;-0})")} | {bytes[v] / n:F0} | {(bytes[v] - bytes[0]) / n:+0;-0} |"));
        }

        // GetMetrics(): 10 providers, 1,000,000 requests recorded.
        using var ten = ObservedClients.Client(10);
        var aggregator = ten.Metrics;
        var set = ten.CurrentProviders;
        var request = new RequestState([new ChatMessage(ChatRole.User, "x")], null, "id", default, TimeProvider.System.GetTimestamp(), Timeout.InfiniteTimeSpan, default);
        var usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 20 };
        for (var i = 0; i < 1_000_000; i++)
        {
            var recorded = aggregator.OnAttemptSucceededAsync(new AttemptSucceeded(request, set[i % set.Length], 1, TimeSpan.FromMilliseconds(1 + (i % 997)), usage), default);
            Debug.Assert(recorded.IsCompletedSuccessfully, "the aggregator records synchronously");
        }

        for (var w = 0; w < 200; w++)
        {
            ten.GetMetrics();
        }

        var snapshots = new double[rounds];
        var snapshotCpu = new double[rounds];
        long snapshotBytes = 0;
        const int PerBlock = 5;
        for (var r = 0; r < rounds; r++)
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var cpu = ThreadCpuNanoseconds();
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < PerBlock; i++)
            {
                ten.GetMetrics();
            }

            snapshots[r] = (Stopwatch.GetTimestamp() - start) * ticksToNs / PerBlock;
            snapshotCpu[r] = (double)(ThreadCpuNanoseconds() - cpu) / PerBlock;
            snapshotBytes += GC.GetAllocatedBytesForCurrentThread() - allocated;
        }

        var s = Quartiles(snapshots);
        var c = Quartiles(snapshotCpu);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| GetMetrics(), 10 providers, 1,000,000 requests recorded | {s.Median:F0} ({s.Q1:F0}–{s.Q3:F0}) | — | CPU {c.Median:F0} ({c.Q1:F0}–{c.Q3:F0}) | {snapshotBytes / ((double)rounds * PerBlock):F0} | — |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load average at the end: {Machine.LoadAverage()}"));
        return 0;
    }

    /// <summary>The calling thread's CPU time in nanoseconds (Linux; 0 elsewhere).</summary>
    private static long ThreadCpuNanoseconds()
    {
        const int ThreadCpuTimeClock = 3; // CLOCK_THREAD_CPUTIME_ID
        return OperatingSystem.IsLinux() && NativeMethods.clock_gettime(ThreadCpuTimeClock, out var ts) == 0 ? (ts.Seconds * 1_000_000_000L) + ts.Nanoseconds : 0;
    }

    private static (double Median, double Q1, double Q3) Quartiles(double[] values)
    {
        var sorted = values.Order().ToArray();
        double At(double q)
        {
            var pos = q * (sorted.Length - 1);
            var lo = (int)Math.Floor(pos);
            var hi = Math.Min(lo + 1, sorted.Length - 1);
            return sorted[lo] + ((sorted[hi] - sorted[lo]) * (pos - lo));
        }

        return (At(0.5), At(0.25), At(0.75));
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = false)]
#pragma warning disable SA1300 // the C name
        public static extern int clock_gettime(int clock, out Timespec time);
#pragma warning restore SA1300
    }
}
