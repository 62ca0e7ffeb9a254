using FlexiAI.Reliability.Support;

namespace FlexiAI.Reliability.Chaos;

/// <summary>The chaos run, sized for <c>dotnet test</c>; the full 10,000-request run is <c>dotnet run --project tests/FlexiAI.Reliability -- chaos</c>.</summary>
public sealed class ChaosTests
{
    [Fact]
    public async Task Two_thousand_requests_under_mixed_faults_keep_every_invariant_and_print_no_secret()
    {
        var canary = new TextSink(Emulated.Canaries);

        var result = await ChaosRun.RunAsync(new ChaosSettings(Requests: 2_000, Concurrency: 256), canary);
        canary.CollectSources();
        SuiteSummary.AddCanaryScan(canary.Bytes, canary.Hits);

        TestContext.Current.SendDiagnosticMessage(result.ToString());
        Assert.True(result.Breaks.IsEmpty, result + Environment.NewLine + string.Join(Environment.NewLine, result.Breaks.Take(20)));
        Assert.True(canary.Hits == 0, "Canary found in FlexiAI's output: " + string.Join(" | ", canary.FirstHits));
        Assert.True(result.FaultsInjected > 2_000 * 0.2, $"only {result.FaultsInjected} faults were injected");
        Assert.True(result.Answered > result.Requests / 4, result.ToString());
        Assert.True(canary.Bytes > 100_000, "the canary scan read almost nothing: is Trace logging on?");
    }
}
