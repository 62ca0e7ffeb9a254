namespace FlexiAI.Reliability.Fuzzing;

/// <summary>
/// The short, bounded fuzz pass that runs in <c>dotnet test</c> (fixed seed, so a failure reproduces); the long one is
/// <c>dotnet run --project tests/FlexiAI.Reliability -- fuzz 600</c>.
/// </summary>
public sealed class FuzzTests
{
    [Theory]
    [InlineData("retry-after", 3000)]
    [InlineData("configuration", 600)]
    [InlineData("vertex-response", 800)]
    [InlineData("vertex-sse", 800)]
    public async Task A_bounded_fuzz_pass_finds_no_crash_and_no_hang(string name, int executions)
    {
        var target = FuzzTargets.Create(name);
        try
        {
            var report = await FuzzEngine.RunAsync(target, seed: 13, executions, TimeSpan.FromSeconds(8));

            TestContext.Current.SendDiagnosticMessage(FuzzTargets.Format(report));
            Assert.True(report.Crashes.Count == 0, string.Join(Environment.NewLine, report.Crashes.Select(c => $"{c.Problem}\n  input: {c.Input}")));
            Assert.True(report.Executions >= Math.Min(executions, 100), $"only {report.Executions} executions ran");
        }
        finally
        {
            (target as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public async Task Every_saved_crash_input_is_handled_now()
    {
        var dir = FuzzEngine.CorpusDirectory("crashes");
        foreach (var file in Directory.Exists(dir) ? Directory.GetFiles(dir, "*.txt") : [])
        {
            var name = FuzzTargets.Names.Single(n => Path.GetFileName(file).StartsWith(n + "-", StringComparison.Ordinal));
            var target = FuzzTargets.Create(name);
            try
            {
                Assert.Null(await target.RunAsync(File.ReadAllText(file), TestContext.Current.CancellationToken));
            }
            finally
            {
                (target as IDisposable)?.Dispose();
            }
        }
    }
}
