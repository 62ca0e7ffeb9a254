using System.Globalization;

namespace FlexiAI.Reliability.Support;

/// <summary>The suite's running totals, printed at the end of the run (and by the commands).</summary>
public static class SuiteSummary
{
    private static long _cells;
    private static long _cellFailures;
    private static long _requests;
    private static long _invariantBreaks;
    private static long _canaryHits;
    private static long _canaryBytes;
    private static long _fuzzExecutions;
    private static long _fuzzCrashes;

    public static void AddCell(bool held)
    {
        Interlocked.Increment(ref _cells);
        if (!held)
        {
            Interlocked.Increment(ref _cellFailures);
        }
    }

    public static void AddRequests(long count) => Interlocked.Add(ref _requests, count);

    public static void AddInvariantBreaks(long count) => Interlocked.Add(ref _invariantBreaks, count);

    public static void AddCanaryScan(long bytes, long hits)
    {
        Interlocked.Add(ref _canaryBytes, bytes);
        Interlocked.Add(ref _canaryHits, hits);
    }

    public static void AddFuzz(long executions, long crashes)
    {
        Interlocked.Add(ref _fuzzExecutions, executions);
        Interlocked.Add(ref _fuzzCrashes, crashes);
    }

    public static string Format() => string.Create(CultureInfo.InvariantCulture,
        $"FlexiAI reliability suite: {Interlocked.Read(ref _cells)} matrix cells checked ({Interlocked.Read(ref _cellFailures)} failed), " +
        $"{Interlocked.Read(ref _requests)} requests run, {Interlocked.Read(ref _invariantBreaks)} invariant breaks, " +
        $"{Interlocked.Read(ref _canaryHits)} canary hits in {Interlocked.Read(ref _canaryBytes) / 1024} KB scanned, " +
        $"{Interlocked.Read(ref _fuzzExecutions)} fuzz executions ({Interlocked.Read(ref _fuzzCrashes)} crashes)");
}

/// <summary>Prints <see cref="SuiteSummary"/> when the test run ends (stdout, and TestResults/reliability-summary.txt).</summary>
public sealed class SuiteSummaryFixture : IAsyncDisposable
{
    public ValueTask DisposeAsync()
    {
        var line = SuiteSummary.Format();
        Console.WriteLine(line);
        Console.Error.WriteLine(line);
        try
        {
            var dir = Path.Combine(AppContext.BaseDirectory, "TestResults");
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "reliability-summary.txt"), line + Environment.NewLine);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }
}
