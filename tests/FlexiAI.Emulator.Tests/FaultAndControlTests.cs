using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace FlexiAI.Emulator.Tests;

public sealed class FaultAndControlTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static readonly HttpClient Http = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private async Task<HttpResponseMessage> ChatAsync(string body = """{"model":"gpt-4.1-mini","messages":[{"role":"user","content":"Hi"}]}""", CancellationToken? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fixture.Host["openai"].BaseUrl + "/chat/completions")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-secret-value-123456789");
        return await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token ?? Token);
    }

    private async Task<string> ControlAsync(HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(fixture.Host.ControlUrl + path));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await Http.SendAsync(request, Token);
        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.IsSuccessStatusCode, text);
        return text;
    }

    [Fact]
    public async Task Control_endpoint_scripts_faults_and_reads_the_journal()
    {
        fixture.Fresh("openai");
        var injectedBefore = fixture.Host["openai"].Faults.Injected;
        await ControlAsync(HttpMethod.Post, "/openai/faults", """{"kind":"status","status":503,"count":2,"retry_after":4}""");

        using (var first = await ChatAsync())
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(4), first.Headers.RetryAfter!.Delta);
        }

        using (var second = await ChatAsync())
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        }

        using (var third = await ChatAsync())
        {
            Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        }

        var journal = JsonNode.Parse(await ControlAsync(HttpMethod.Get, "/openai/journal"))!;
        Assert.Equal(3, journal["count"]!.GetValue<int>());
        var entry = journal["entries"]![0]!;
        Assert.Equal("/v1/chat/completions", entry["path"]!.GetValue<string>());
        Assert.Equal("Bearer ***", entry["headers"]!["Authorization"]!.GetValue<string>());
        Assert.DoesNotContain("sk-secret-value", journal.ToJsonString(), StringComparison.Ordinal);

        var listing = JsonNode.Parse(await ControlAsync(HttpMethod.Get, string.Empty))!;
        Assert.Contains(listing["instances"]!.AsArray(), i => i!["name"]!.GetValue<string>() == "openai" && i["faults_injected"]!.GetValue<int>() == injectedBefore + 2);

        await ControlAsync(HttpMethod.Post, "/reset");
        Assert.Equal(0, fixture.Host["openai"].Journal.Count);
    }

    [Fact]
    public async Task Control_endpoint_rejects_unknown_fault_kinds_with_the_valid_ones()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fixture.Host.ControlUrl + "/openai/faults")) { Content = new StringContent("""{"kind":"explode"}""") };
        using var response = await Http.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("status, reset, latency, stall, truncate, malformed or stream_error", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }

    [Fact]
    public void A_seeded_failure_ratio_is_reproducible()
    {
        static string Pattern(int seed)
        {
            var faults = new FaultController().FailRatio(0.3, Fault.Status(500), seed);
            return string.Concat(Enumerable.Range(0, 200).Select(_ => faults.Next() is null ? '.' : 'x'));
        }

        var first = Pattern(7);
        Assert.Equal(first, Pattern(7));
        Assert.NotEqual(first, Pattern(8));
        var failures = first.Count(c => c == 'x');
        Assert.InRange(failures, 40, 80);
    }

    [Fact]
    public async Task Stall_before_headers_holds_until_the_client_gives_up()
    {
        fixture.Fresh("openai");
        fixture.Host["openai"].Faults.FailNext(1, Fault.Stall());
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(Token);
        giveUp.CancelAfter(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ChatAsync(token: giveUp.Token));

        using var next = await ChatAsync();
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task Malformed_json_and_reset_connection()
    {
        fixture.Fresh("openai");
        fixture.Host["openai"].Faults.FailNext(1, Fault.MalformedJson()).FailNext(1, Fault.ResetConnection());

        using (var malformed = await ChatAsync())
        {
            Assert.Equal(HttpStatusCode.OK, malformed.StatusCode);
            Assert.ThrowsAny<System.Text.Json.JsonException>(() => JsonNode.Parse(malformed.Content.ReadAsStringAsync(Token).Result));
        }

        await Assert.ThrowsAsync<HttpRequestException>(() => ChatAsync());
    }

    [Fact]
    public async Task Unknown_instances_and_endpoints_are_explained()
    {
        using var response = await Http.GetAsync(new Uri(fixture.Host.Root, "nope/v1/models"), Token);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Instances: openai, anthropic, vertexai", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Throws<KeyNotFoundException>(() => fixture.Host["nope"]);
    }
}
