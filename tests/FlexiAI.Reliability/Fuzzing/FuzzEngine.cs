using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace FlexiAI.Reliability.Fuzzing;

/// <summary>One thing to fuzz: its seed corpus and a check that returns a crash description, or null when the input was handled as documented.</summary>
public interface IFuzzTarget
{
    string Name { get; }

    Task<string?> RunAsync(string input, CancellationToken cancellationToken);
}

/// <summary>A crash: the target, the input and what went wrong.</summary>
public sealed record FuzzCrash(string Target, string Input, string Problem);

/// <summary>What a pass did.</summary>
public sealed record FuzzReport(string Target, int Executions, IReadOnlyList<FuzzCrash> Crashes, TimeSpan Elapsed);

/// <summary>
/// The fuzzing loop: replays the corpus (<c>Fuzzing/corpus/TARGET/*</c>), then mutates it for a number of executions or until a
/// time budget runs out. An input taking longer than <see cref="HangLimit"/> is a hang.
/// </summary>
public static class FuzzEngine
{
    public static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);

    public static string CorpusDirectory(string target) => Path.Combine(AppContext.BaseDirectory, "Fuzzing", "corpus", target);

    public static IReadOnlyList<string> Corpus(string target) =>
        Directory.Exists(CorpusDirectory(target))
            ? [.. Directory.GetFiles(CorpusDirectory(target)).Order(StringComparer.Ordinal).Select(File.ReadAllText)]
            : [];

    public static async Task<FuzzReport> RunAsync(IFuzzTarget target, int seed, int maxExecutions, TimeSpan budget)
    {
        var corpus = Corpus(target.Name);
        var random = new Random(seed);
        var crashes = new List<FuzzCrash>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        var executions = 0;
        foreach (var input in corpus)
        {
            await ExecuteAsync(input).ConfigureAwait(false);
        }

        while (executions < maxExecutions && clock.Elapsed < budget)
        {
            var parent = corpus.Count == 0 ? string.Empty : corpus[random.Next(corpus.Count)];
            await ExecuteAsync(Mutator.Mutate(parent, corpus, random)).ConfigureAwait(false);
        }

        Support.SuiteSummary.AddFuzz(executions, crashes.Count);
        return new FuzzReport(target.Name, executions, crashes, clock.Elapsed);

        async Task ExecuteAsync(string input)
        {
            executions++;
            using var timeout = new CancellationTokenSource(HangLimit);
            string? problem;
            try
            {
                var run = target.RunAsync(input, timeout.Token);
                problem = await run.WaitAsync(HangLimit + TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                problem = $"hang: no result within {HangLimit.TotalSeconds:0} s";
            }
            catch (Exception ex)
            {
                problem = $"the harness saw {ex.GetType().FullName}: {ex.Message}";
            }

            if (problem is not null && seen.Add(Signature(problem)))
            {
                crashes.Add(new FuzzCrash(target.Name, input, problem));
            }
        }
    }

    /// <summary>Saves a crashing input under <c>Fuzzing/corpus/crashes/</c> of the source tree (when found) for a regression test.</summary>
    public static string? Save(FuzzCrash crash, string sourceRoot)
    {
        var dir = Path.Combine(sourceRoot, "tests", "FlexiAI.Reliability", "Fuzzing", "corpus", "crashes");
        Directory.CreateDirectory(dir);
        var name = $"{crash.Target}-{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(crash.Input)))[..12].ToLowerInvariant()}.txt";
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, crash.Input);
        return path;
    }

    // Crashes with the same exception type and first stack frame are one crash.
    private static string Signature(string problem) => problem.Length > 160 ? problem[..160] : problem;
}
