using FlexiAI.Reliability.Support;
using Microsoft.Extensions.Logging;

namespace FlexiAI.Reliability.Canary;

/// <summary>
/// The canary scan itself runs inside the fault matrix (every cell, Trace logging in memory and to a file, every exception's
/// <c>ToString()</c>, route, export, status and hook context) and the chaos run; both assert zero hits. These tests prove the
/// scan is not vacuous.
/// </summary>
public sealed class CanaryScanTests
{
    [Fact]
    public void The_scan_finds_a_leaked_canary_and_its_first_12_characters()
    {
        var sink = new TextSink(Emulated.Canaries);
        var canary = Emulated.KeyFor("anthropic");

        sink.LoggerFactory.CreateLogger("FlexiAI").LogTrace("leaked {Key}", canary);
        sink.Add("prefix only: " + canary[..12] + "…");
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "file line " + Emulated.KeyFor("vertexai"));
        sink.AddFile(file);
        File.Delete(file);
        sink.Sources.Add(new Fixed("export " + Emulated.KeyFor("openai")));
        sink.CollectSources();

        Assert.True(sink.Hits >= 5, $"{sink.Hits} hits");
    }

    private sealed class Fixed(string text) : ICanarySource
    {
        public IEnumerable<string> Collect() => [text];
    }
}
