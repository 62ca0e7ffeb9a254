using System.Net.Http.Headers;
using System.Text;
using FlexiAI.Testing;

namespace FlexiAI.Cli.Tests;

/// <summary><c>flexiai serve</c>: prints where it listens and <c>ready</c>, serves the OpenAI API, drains a stream on SIGTERM, exits 0.</summary>
public sealed class ServeCommandTests
{
    private const string StreamBody = """{"model":"default","stream":true,"messages":[{"role":"user","content":"Tell me about failover"}]}""";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Serve_emulate_prints_listening_then_ready_and_answers_chat_completions()
    {
        using var output = new StringWriter();
        using var stop = new CancellationTokenSource();
        var context = new CliContext { Out = TextWriter.Synchronized(output), Error = TextWriter.Null };
        var running = CliApplication.RunAsync(["serve", "--emulate", "--port", "0"], context, stop.Token);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!output.ToString().Contains("ready", StringComparison.Ordinal) && DateTime.UtcNow < deadline && !running.IsCompleted)
        {
            await Task.Delay(20, Token);
        }

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("gateway key sk-flexiai-demo (the --emulate demo key)", lines[0]);
        Assert.Matches(@"^listening http://127\.0\.0\.1:\d+$", lines[1]);
        Assert.Equal("ready", lines[2]);

        using var http = new HttpClient { BaseAddress = new Uri(lines[1]["listening ".Length..]) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent("""{"model":"default","messages":[{"role":"user","content":"Hi"}]}""") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-flexiai-demo");
        using var response = await http.SendAsync(request, Token);
        Assert.Contains("Hello from openai.", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);

        await stop.CancelAsync();
        Assert.Equal(0, await running);
    }

    [Fact]
    public async Task Sigterm_during_a_stream_lets_it_complete_then_exits_0()
    {
        Assert.SkipWhen(StandaloneProcess.NoSignals is not null, StandaloneProcess.NoSignals ?? string.Empty);
        await using var serve = StandaloneProcess.Start("FlexiAI.Cli.dll", "serve", "--emulate", "--port", "0");
        var lines = await serve.WaitForReadyAsync(TimeSpan.FromSeconds(30));
        var url = lines.Single(l => l.StartsWith("listening ", StringComparison.Ordinal))["listening ".Length..];
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(StreamBody, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-flexiai-demo");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Token));
        var first = await reader.ReadLineAsync(Token);
        Assert.StartsWith("data: {", first, StringComparison.Ordinal);

        serve.Signal("TERM");
        var rest = await reader.ReadToEndAsync(Token);

        Assert.Contains("\"finish_reason\":\"stop\"", rest, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", rest, StringComparison.Ordinal);
        Assert.Equal(0, await serve.WaitForExitAsync(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task Serve_mounts_the_dashboard_at_dashboard_behind_an_admin_key_bearer_or_a_browser_login()
    {
        using var output = new StringWriter();
        using var stop = new CancellationTokenSource();
        var context = new CliContext { Out = TextWriter.Synchronized(output), Error = TextWriter.Null };
        var running = CliApplication.RunAsync(["serve", "--emulate", "--port", "0"], context, stop.Token);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!output.ToString().Contains("ready", StringComparison.Ordinal) && DateTime.UtcNow < deadline && !running.IsCompleted)
        {
            await Task.Delay(20, Token);
        }

        var url = output.ToString().Split('\n', StringSplitOptions.TrimEntries).Single(l => l.StartsWith("listening ", StringComparison.Ordinal))["listening ".Length..];
        using var http = new HttpClient { BaseAddress = new Uri(url) };

        // No key: refused; a browser (Accept: text/html) is offered the login prompt.
        using (var anonymous = await http.GetAsync("/dashboard/api/snapshot", Token))
        {
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Empty(anonymous.Headers.WwwAuthenticate);
        }

        using (var page = new HttpRequestMessage(HttpMethod.Get, "/dashboard/"))
        {
            page.Headers.Accept.ParseAdd("text/html");
            using var refused = await http.SendAsync(page, Token);
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("Basic", Assert.Single(refused.Headers.WwwAuthenticate).Scheme);
        }

        // A wrong key in a browser login: still refused.
        using (var wrong = new HttpRequestMessage(HttpMethod.Get, "/dashboard/api/snapshot"))
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:sk-wrong")));
            using var refused = await http.SendAsync(wrong, Token);
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // The admin key as a bearer token (flexiai top --header) or as a browser login's password: the snapshot.
        using (var bearer = new HttpRequestMessage(HttpMethod.Get, "/dashboard/api/snapshot"))
        {
            bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-flexiai-demo");
            using var snapshot = await http.SendAsync(bearer, Token);
            Assert.Equal(System.Net.HttpStatusCode.OK, snapshot.StatusCode);
            var json = await snapshot.Content.ReadAsStringAsync(Token);
            Assert.Contains("\"providers\"", json, StringComparison.Ordinal);
            Assert.DoesNotContain("sk-flexiai-demo", json, StringComparison.Ordinal);
        }

        using (var login = new HttpRequestMessage(HttpMethod.Get, "/dashboard/"))
        {
            login.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:sk-flexiai-demo")));
            using var page = await http.SendAsync(login, Token);
            Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("<html", await page.Content.ReadAsStringAsync(Token), StringComparison.OrdinalIgnoreCase);
        }

        await stop.CancelAsync();
        Assert.Equal(0, await running);
    }
}
