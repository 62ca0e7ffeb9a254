using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FlexiAI.Testing;

namespace FlexiAI.Cli.Tests;

/// <summary>The built <c>flexiai emulator</c> (<c>dotnet FlexiAI.Cli.dll emulator</c>) stops on SIGTERM and Ctrl+C with exit code 0.</summary>
public sealed class EmulatorCommandShutdownTests
{
    private static readonly TimeSpan StartUp = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sigterm_stops_flexiai_emulator_within_five_seconds_with_exit_code_0_even_with_a_stalled_stream_open()
    {
        Assert.SkipWhen(StandaloneProcess.NoSignals is not null, StandaloneProcess.NoSignals ?? string.Empty);
        await using var emulator = StandaloneProcess.Start("FlexiAI.Cli.dll", "emulator", "--port", "0");
        var lines = await emulator.WaitForReadyAsync(StartUp);
        var control = lines.Single(l => l.StartsWith("control ", StringComparison.Ordinal))[8..];
        var anthropic = lines.Single(l => l.StartsWith("anthropic ", StringComparison.Ordinal)).Split(' ')[2];
        using var http = new HttpClient();
        using (var scripted = await http.PostAsync(new Uri(control + "/anthropic/faults"), new StringContent("""{"kind":"stall","after_chunks":1}""", Encoding.UTF8, "application/json"), Token))
        {
            Assert.Equal(HttpStatusCode.OK, scripted.StatusCode);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(anthropic + "/v1/messages"))
        {
            Content = new StringContent("""{"model":"m","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-api-key", "sk-ant-test");
        request.Headers.Add("anthropic-version", "2023-06-01");
        using var stalled = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Token);
        Assert.Equal(HttpStatusCode.OK, stalled.StatusCode);
        var reading = (await stalled.Content.ReadAsStreamAsync(Token)).CopyToAsync(Stream.Null, Token);

        emulator.Signal("TERM");

        // Before, System.CommandLine gave up after its 2 s grace (exit code 143) while the stall held the server open.
        Assert.Equal(0, await emulator.WaitForExitAsync(Prompt));
        await Assert.ThrowsAnyAsync<Exception>(() => reading.WaitAsync(Prompt, Token));
    }

    [Fact]
    public async Task Sigint_like_ctrl_c_stops_flexiai_emulator_with_exit_code_0()
    {
        Assert.SkipWhen(StandaloneProcess.NoSignals is not null, StandaloneProcess.NoSignals ?? string.Empty);
        Assert.SkipWhen(StandaloneProcess.SigIntIgnored is not null, StandaloneProcess.SigIntIgnored ?? string.Empty);
        await using var emulator = StandaloneProcess.Start("FlexiAI.Cli.dll", "emulator");
        await emulator.WaitForReadyAsync(StartUp);

        emulator.Signal("INT");

        Assert.Equal(0, await emulator.WaitForExitAsync(Prompt));
    }
}
