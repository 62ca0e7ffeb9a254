using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FlexiAI.Testing;

namespace FlexiAI.Emulator.Tests;

/// <summary>The built standalone emulator (<c>dotnet FlexiAI.Emulator.dll</c>) as CI scripts and containers run it: it stops on SIGTERM and Ctrl+C.</summary>
public sealed class StandaloneShutdownTests
{
    private static readonly TimeSpan StartUp = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sigterm_stops_the_standalone_emulator_within_five_seconds_with_exit_code_0()
    {
        Assert.SkipWhen(StandaloneProcess.NoSignals is not null, StandaloneProcess.NoSignals ?? string.Empty);
        await using var emulator = StandaloneProcess.Start("FlexiAI.Emulator.dll", "--port", "0");
        await emulator.WaitForReadyAsync(StartUp);

        emulator.Signal("TERM");

        Assert.Equal(0, await emulator.WaitForExitAsync(Prompt));
    }

    [Fact]
    public async Task Sigint_like_ctrl_c_stops_the_standalone_emulator_cleanly_with_exit_code_0()
    {
        Assert.SkipWhen(StandaloneProcess.NoSignals is not null, StandaloneProcess.NoSignals ?? string.Empty);
        Assert.SkipWhen(StandaloneProcess.SigIntIgnored is not null, StandaloneProcess.SigIntIgnored ?? string.Empty);
        await using var emulator = StandaloneProcess.Start("FlexiAI.Emulator.dll");
        await emulator.WaitForReadyAsync(StartUp);

        emulator.Signal("INT");

        Assert.Equal(0, await emulator.WaitForExitAsync(Prompt));
    }

    [Fact]
    public async Task Sigterm_stops_it_promptly_even_while_a_client_holds_a_stalled_stream()
    {
        Assert.SkipWhen(StandaloneProcess.NoSignals is not null, StandaloneProcess.NoSignals ?? string.Empty);
        await using var emulator = StandaloneProcess.Start("FlexiAI.Emulator.dll");
        var lines = await emulator.WaitForReadyAsync(StartUp);
        var control = lines.Single(l => l.StartsWith("control ", StringComparison.Ordinal))[8..];
        var openai = lines.Single(l => l.StartsWith("openai ", StringComparison.Ordinal)).Split(' ')[2];
        using var http = new HttpClient();
        using (var scripted = await http.PostAsync(new Uri(control + "/openai/faults"), new StringContent("""{"kind":"stall","after_chunks":1}""", Encoding.UTF8, "application/json"), Token))
        {
            Assert.Equal(HttpStatusCode.OK, scripted.StatusCode);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(openai + "/chat/completions"))
        {
            Content = new StringContent("""{"model":"m","stream":true,"messages":[{"role":"user","content":"Hi there"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-test");
        using var stalled = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Token);
        Assert.Equal(HttpStatusCode.OK, stalled.StatusCode);

        emulator.Signal("TERM");

        Assert.Equal(0, await emulator.WaitForExitAsync(Prompt));
    }

    [Fact]
    public async Task Disposing_an_in_process_emulator_cuts_a_stalled_stream_at_once()
    {
        var emulator = await EmulatorHost.StartAsync();
        emulator["openai"].Faults.FailNext(1, Fault.Stall(afterChunks: 1));
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(emulator["openai"].BaseUrl + "/chat/completions"))
        {
            Content = new StringContent("""{"model":"m","stream":true,"messages":[{"role":"user","content":"Hi there"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-test");
        using var stalled = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Token);
        var body = await stalled.Content.ReadAsStreamAsync(Token);
        var reading = body.CopyToAsync(Stream.Null, Token);

        var clock = Stopwatch.StartNew();
        await emulator.DisposeAsync();

        // Before, shutdown waited out its 5 s grace period for the stall; now the stall's connection is aborted at once.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"Disposing took {clock.Elapsed}.");
        await Assert.ThrowsAnyAsync<Exception>(() => reading.WaitAsync(Prompt, Token));
    }
}
