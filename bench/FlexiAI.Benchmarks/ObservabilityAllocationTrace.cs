using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Extensions.AI;

namespace FlexiAI.Benchmarks;

/// <summary>
/// <c>obs-alloc</c>: where the bytes of the observed success path go. Runs the in-memory success path (direct call, FlexiAI with
/// nobody listening, FlexiAI with a <see cref="MeterListener"/> and an <see cref="ActivityListener"/> sampling all) in
/// interleaved blocks; prints the exact bytes per request of each (the in-memory path is synchronous, so the current thread's
/// allocation counter sees all of it) and, from the runtime's randomized allocation samples (one per 100 KB on average), the
/// estimated bytes per request by type.
/// </summary>
internal static class ObservabilityAllocationTrace
{
    public static async Task<int> RunAsync(int requestsPerVariant, int top)
    {
        using var setup = new ObservedClients();
        (string Name, Func<Task<ChatResponse>> Call)[] variants =
        [
            ("direct", setup.Direct),
            ("quiet", setup.Quiet),
            ("meter only", setup.MeterOnly),
            ("listened", setup.Listened),
        ];
        foreach (var (_, call) in variants)
        {
            for (var i = 0; i < 5000; i++)
            {
                await call().ConfigureAwait(false);
            }
        }

        using var listener = new AllocationSampleListener();
        var perVariant = variants.Select(_ => new Dictionary<string, double>(StringComparer.Ordinal)).ToArray();
        var totals = new long[variants.Length];
        const int Block = 1000;
        var blocks = (requestsPerVariant + Block - 1) / Block;

        // Exact totals: interleaved blocks.
        for (var b = 0; b < blocks; b++)
        {
            for (var v = 0; v < variants.Length; v++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                for (var i = 0; i < Block; i++)
                {
                    var task = variants[v].Call();
                    if (!task.IsCompletedSuccessfully)
                    {
                        await task.ConfigureAwait(false);
                    }
                }

                totals[v] += GC.GetAllocatedBytesForCurrentThread() - before;
            }
        }

        // By type: one phase per variant (the runtime's events arrive late, on another thread), with a pause to let them drain.
        for (var v = 0; v < variants.Length; v++)
        {
            listener.Current = perVariant[v];
            for (var i = 0; i < blocks * Block; i++)
            {
                var task = variants[v].Call();
                if (!task.IsCompletedSuccessfully)
                {
                    await task.ConfigureAwait(false);
                }
            }

            await Task.Delay(1500).ConfigureAwait(false);
        }

        listener.Current = null;
        var n = (double)blocks * Block;
        Console.WriteLine($"in-memory success path, {n:F0} requests per variant");
        Console.WriteLine("exact bytes per request: " + string.Join(", ", variants.Select((v, i) => $"{v.Name} {totals[i] / n:F1} B")));
        var types = perVariant.SelectMany(d => d.Keys).Distinct(StringComparer.Ordinal)
            .Select(t => (Type: t, Values: perVariant.Select(d => d.GetValueOrDefault(t) / n).ToArray()))
            .OrderByDescending(t => t.Values.Max())
            .Take(top);
        Console.WriteLine("| type | " + string.Join(" | ", variants.Select(v => v.Name)) + " |");
        Console.WriteLine("|---|" + string.Concat(variants.Select(_ => "---:|")));
        foreach (var (type, values) in types)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| `{type}` | {string.Join(" | ", values.Select(x => x.ToString("F0", CultureInfo.InvariantCulture)))} |"));
        }

        return 0;
    }

    /// <summary>The bytes of the System.Diagnostics operations the tracing subscriber uses, one by one (with a listener sampling all).</summary>
    public static int Parts()
    {
        using var source = new ActivitySource("obs-parts");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => ReferenceEquals(s, source),
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        static long Measure(string name, Action action)
        {
            for (var i = 0; i < 100; i++)
            {
                action();
            }

            const int N = 10_000;
            var before = GC.GetAllocatedBytesForCurrentThread();
            var times = new double[50];
            for (var r = 0; r < times.Length; r++)
            {
                var start = Stopwatch.GetTimestamp();
                for (var i = 0; i < N / times.Length; i++)
                {
                    action();
                }

                times[r] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / (N / times.Length);
            }

            var bytes = (GC.GetAllocatedBytesForCurrentThread() - before) / N;
            Array.Sort(times);
            Console.WriteLine($"{name}: {bytes} B, median {times[times.Length / 2]:F0} ns");
            return bytes;
        }

        object boxed = true;
        Measure("root StartActivity + Dispose", () => source.StartActivity("chat m", ActivityKind.Client)!.Dispose());
        Measure("root + child(ctx) + dispose both", () =>
        {
            var root = source.StartActivity("chat m", ActivityKind.Client)!;
            var child = source.StartActivity("attempt p1", ActivityKind.Internal, root.Context)!;
            child.Dispose();
            root.Dispose();
        });
        Measure("root + child(implicit parent) + dispose both", () =>
        {
            var root = source.StartActivity("chat m", ActivityKind.Client)!;
            var child = source.StartActivity("attempt p1", ActivityKind.Internal)!;
            child.Dispose();
            root.Dispose();
        });
        Measure("root + 1 string tag", () => { var a = source.StartActivity("chat m", ActivityKind.Client)!; a.SetTag("k", "v"); a.Dispose(); });
        Measure("root + 2 string tags", () => { var a = source.StartActivity("chat m", ActivityKind.Client)!; a.SetTag("k", "v"); a.SetTag("k2", "v"); a.Dispose(); });
        Measure("root + 2 tags (cached box)", () => { var a = source.StartActivity("chat m", ActivityKind.Client)!; a.SetTag("k", boxed); a.SetTag("k2", boxed); a.Dispose(); });
        Measure("root + 2 tags (bool)", () => { var a = source.StartActivity("chat m", ActivityKind.Client)!; a.SetTag("k", true); a.SetTag("k2", false); a.Dispose(); });
        Measure("root + status error", () => { var a = source.StartActivity("chat m", ActivityKind.Client)!; a.SetStatus(ActivityStatusCode.Error, "x"); a.Dispose(); });
        Measure("root, Context read", () => { var a = source.StartActivity("chat m", ActivityKind.Client)!; _ = a.Context; a.Dispose(); });
        Measure("root, TraceId read", () => { var a = source.StartActivity("chat m", ActivityKind.Client)!; _ = a.TraceId; a.Dispose(); });
        Measure("root, Id read", () => { var a = source.StartActivity("chat m", ActivityKind.Client)!; _ = a.Id; a.Dispose(); });
        return 0;
    }
}
