using System.Diagnostics;
using System.Globalization;
using FlexiAI.Reliability.Support;

namespace FlexiAI.Reliability.Matrix;

/// <summary>
/// <c>matrix [mode|all]</c>: the whole fault matrix under one breaker mode or under every one (<see cref="BreakerMode.All"/>);
/// <c>dotnet test</c> runs the whole matrix under the default mode and a subset under the others (<see cref="MatrixRows"/>).
/// </summary>
public static class MatrixCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var which = args.FirstOrDefault() ?? "all";
        var modes = string.Equals(which, "all", StringComparison.OrdinalIgnoreCase) ? BreakerMode.All : [BreakerMode.Find(which)];
        var failures = new Dictionary<string, List<string>>();
        var counts = modes.ToDictionary(m => m.Name, _ => 0);
        var canaryHits = 0L;
        var clock = Stopwatch.StartNew();
        foreach (var primary in Emulated.Kinds)
        {
            var fixture = new CommandFixture(primary);
            await fixture.InitializeAsync();
            try
            {
                foreach (var mode in modes)
                {
                    foreach (var cell in MatrixTable.Cells().Where(c => c.Primary == primary && c.Fault.KnownDefect(c.Primary, c.Mode) is null))
                    {
                        counts[mode.Name]++;
                        var problems = await fixture.Runner.CheckAsync(cell, mode);
                        if (problems.Count > 0)
                        {
                            (failures.TryGetValue(mode.Name, out var list) ? list : failures[mode.Name] = []).AddRange(problems);
                        }
                    }
                }
            }
            finally
            {
                canaryHits += fixture.Canary.Hits;
                await fixture.DisposeAsync();
            }
        }

        foreach (var mode in modes)
        {
            var failed = failures.TryGetValue(mode.Name, out var list) ? list : [];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{mode.Name,-12} {counts[mode.Name],4} cells  {(failed.Count == 0 ? "all hold" : failed.Count + " mismatches")}"));
            foreach (var problem in failed.Take(20))
            {
                Console.WriteLine("  " + problem);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds:0.0} s; canary hits: {canaryHits}"));
        return failures.Count == 0 && canaryHits == 0 ? 0 : 1;
    }

    private sealed class CommandFixture(string primary) : MatrixFixture(primary);
}
