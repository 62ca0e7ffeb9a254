using System.Globalization;
using FlexiAI.Reliability.Support;

namespace FlexiAI.Reliability.Chaos;

/// <summary><c>chaos [requests=10000] [concurrency=256] [seed]</c>: the full-size chaos run, with the canary scan on.</summary>
public static class ChaosCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var requests = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 256;
        var seed = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20261127;
        var canary = Environment.GetEnvironmentVariable("CHAOS_NOCANARY") is null ? new TextSink(Emulated.Canaries) : null;
        var result = await ChaosRun.RunAsync(new ChaosSettings(requests, concurrency, Seed: seed), canary);
        canary ??= new TextSink(Emulated.Canaries);
        canary.CollectSources();
        SuiteSummary.AddCanaryScan(canary.Bytes, canary.Hits);
        Console.WriteLine(result);
        foreach (var problem in result.Breaks.Take(20))
        {
            Console.WriteLine("  BREAK " + problem);
        }

        foreach (var hit in canary.FirstHits)
        {
            Console.WriteLine("  CANARY " + hit);
        }

        Console.WriteLine(SuiteSummary.Format());
        return result.Breaks.IsEmpty && canary.Hits == 0 ? 0 : 1;
    }
}
