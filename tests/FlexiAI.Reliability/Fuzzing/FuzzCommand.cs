using System.Globalization;
using FlexiAI.Reliability.Matrix;
using FlexiAI.Reliability.Support;

namespace FlexiAI.Reliability.Fuzzing;

/// <summary>
/// <c>fuzz [seconds=120] [seed=random] [target...]</c>: the long fuzz pass. Crashing inputs are printed and saved under
/// tests/FlexiAI.Reliability/Fuzzing/corpus/crashes/ — turn each into a regression test (see <see cref="FuzzRegressionTests"/>).
/// </summary>
public static class FuzzCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 120;
        var seed = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : Environment.TickCount;
        var names = args.Length > 2 ? args[2..] : FuzzTargets.Names;
        var root = Path.GetDirectoryName(Path.GetDirectoryName(MatrixDocument.DocPath()))!;
        var crashes = 0;
        Console.WriteLine($"fuzz: seed {seed}, {seconds:0} s over {string.Join(", ", names)}");
        foreach (var name in names)
        {
            var target = FuzzTargets.Create(name);
            try
            {
                var report = await FuzzEngine.RunAsync(target, seed, int.MaxValue, TimeSpan.FromSeconds(seconds / names.Length));
                Console.WriteLine(FuzzTargets.Format(report));
                foreach (var crash in report.Crashes)
                {
                    crashes++;
                    var path = FuzzEngine.Save(crash, root);
                    Console.WriteLine($"  CRASH {crash.Problem}\n    input saved to {path}");
                }
            }
            finally
            {
                (target as IDisposable)?.Dispose();
            }
        }

        Console.WriteLine(SuiteSummary.Format());
        return crashes == 0 ? 0 : 1;
    }
}
