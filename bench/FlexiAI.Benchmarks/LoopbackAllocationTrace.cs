using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Extensions.AI;

namespace FlexiAI.Benchmarks;

/// <summary>
/// <c>loopback-alloc</c>: where the bytes go. Listens in process to the runtime's randomized allocation samples (.NET 10's
/// AllocationSampling: on average one per 100 KB, each naming its object's type, so samples × 100 KB estimate each type's bytes), runs
/// the loopback variants in interleaved blocks, and prints per type the estimated bytes per request of each variant and
/// their difference to the direct SDK call. The counts are samples: types below ~50 B/request are within the noise
/// unless the run is long.
/// </summary>
internal static class LoopbackAllocationTrace
{
    public static async Task<int> RunAsync(int requestsPerVariant, int top, string providerType)
    {
        await using var fixture = await LoopbackFixture.StartAsync(providerType).ConfigureAwait(false);
        var variants = LoopbackPaired.Variants(fixture);
        foreach (var (_, call) in variants)
        {
            for (var i = 0; i < 2000; i++)
            {
                await call().ConfigureAwait(false);
            }
        }

        using var listener = new AllocationSampleListener();
        var perVariant = variants.Select(_ => new Dictionary<string, double>(StringComparer.Ordinal)).ToArray();
        var totals = new long[variants.Length];
        const int Block = 500;
        for (var done = 0; done < requestsPerVariant; done += Block)
        {
            for (var v = 0; v < variants.Length; v++)
            {
                listener.Current = perVariant[v];
                var before = GC.GetTotalAllocatedBytes(precise: true);
                for (var i = 0; i < Block; i++)
                {
                    await variants[v].Call().ConfigureAwait(false);
                }

                totals[v] += GC.GetTotalAllocatedBytes(precise: true) - before;
                listener.Current = null;
            }
        }

        var n = (double)(requestsPerVariant + Block - 1) / Block * Block;
        Console.WriteLine($"loopback allocation samples ({fixture.ProviderType}), {n:F0} requests per variant; estimated bytes per request by type (samples × their weight / requests), client and server");
        Console.WriteLine("measured total per request: " + string.Join(", ", variants.Select((v, i) => $"{v.Name} {totals[i] / n:F0} B")));
        var types = perVariant.SelectMany(d => d.Keys).Distinct(StringComparer.Ordinal)
            .Select(t => (Type: t, Values: perVariant.Select(d => d.GetValueOrDefault(t) / n).ToArray()))
            .OrderByDescending(t => Math.Abs(t.Values[^1] - t.Values[0]))
            .Take(top);
        Console.WriteLine("| type | " + string.Join(" | ", variants.Select(v => v.Name)) + " | FlexiAI − direct |");
        Console.WriteLine("|---|" + string.Concat(variants.Select(_ => "---:|")) + "---:|");
        foreach (var (type, values) in types)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| `{type}` | {string.Join(" | ", values.Select(x => x.ToString("F0", CultureInfo.InvariantCulture)))} | {values[^1] - values[0]:+0;-0} |"));
        }

        return 0;
    }
}
