using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace FlexiAI.Emulator.Tests;

/// <summary>Every field of <c>POST /_emulator/NAME/faults</c> is checked over real HTTP: bad input is a 400 naming the field and what it accepts, and scripts nothing.</summary>
public sealed class ControlValidationTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static readonly HttpClient Http = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> BadBodies => new()
    {
        // status
        { """{"kind":"status","status":99999}""", "'status' must be an integer from 400 to 599; got 99999." },
        { """{"kind":"status","status":200}""", "'status' must be an integer from 400 to 599; got 200." },
        { """{"kind":"status","status":399}""", "'status' must be an integer from 400 to 599; got 399." },
        { """{"kind":"status","status":600}""", "'status' must be an integer from 400 to 599; got 600." },
        { """{"kind":"status","status":503.5}""", "'status' must be an integer from 400 to 599; got 503.5." },
        { """{"kind":"status","status":"503"}""", "'status' must be an integer from 400 to 599; got the string \"503\"." },
        { """{"kind":"stream_error","status":700}""", "'status' must be an integer from 400 to 599; got 700." },
        { """{"kind":"status","retry_after":-1}""", "'retry_after' must be a number from 0 to 86400; got -1." },
        { """{"kind":"status","retry_after":1e300}""", "'retry_after' must be a number from 0 to 86400; got 1e300." },
        { """{"kind":"status","retry_after":"2"}""", "'retry_after' must be a number from 0 to 86400; got the string \"2\"." },
        { """{"kind":"status","retry_after_ms":-5}""", "'retry_after_ms' must be a number from 0 to 86400000; got -5." },
        { """{"kind":"status","message":42}""", "'message' must be a string; got 42." },
        { """{"kind":"status","message":""}""", "'message' must be a non-empty string of at most 4096 characters; got 0 characters." },
        { $$"""{"kind":"stream_error","message":"{{new string('x', 4097)}}"}""", "'message' must be a non-empty string of at most 4096 characters; got 4097 characters." },

        // delays and chunk positions
        { """{"kind":"latency","latency_ms":-100}""", "'latency_ms' must be a number from 0 to 3600000; got -100." },
        { """{"kind":"latency","latency_ms":1e12}""", "'latency_ms' must be a number from 0 to 3600000; got 1e12." },
        { """{"kind":"latency","latency_ms":true}""", "'latency_ms' must be a number from 0 to 3600000; got true." },
        { """{"kind":"stall","after_chunks":-1}""", "'after_chunks' must be an integer from 0 to 100000; got -1." },
        { """{"kind":"truncate","after_chunks":"two"}""", "'after_chunks' must be an integer from 0 to 100000; got the string \"two\"." },
        { """{"kind":"malformed","after_chunks":[1]}""", "'after_chunks' must be an integer from 0 to 100000; got an array." },
        { """{"kind":"stream_error","after_chunks":100001}""", "'after_chunks' must be an integer from 0 to 100000; got 100001." },

        // how often
        { """{"kind":"status","count":0}""", "'count' must be an integer from 1 to 1000000; got 0." },
        { """{"kind":"status","count":-3}""", "'count' must be an integer from 1 to 1000000; got -3." },
        { """{"kind":"status","count":1000001}""", "'count' must be an integer from 1 to 1000000; got 1000001." },
        { """{"kind":"status","count":99999999999}""", "'count' must be an integer from 1 to 1000000; got 99999999999." },
        { """{"kind":"status","count":"2"}""", "'count' must be an integer from 1 to 1000000; got the string \"2\"." },
        { """{"kind":"status","ratio":1.5}""", "'ratio' must be a number from 0 to 1; got 1.5." },
        { """{"kind":"status","ratio":-0.1}""", "'ratio' must be a number from 0 to 1; got -0.1." },
        { """{"kind":"status","ratio":"half"}""", "'ratio' must be a number from 0 to 1; got the string \"half\"." },
        { """{"kind":"status","ratio":0.5,"seed":1.5}""", "'seed' must be a 32-bit integer; got 1.5." },
        { """{"kind":"status","ratio":0.5,"seed":4294967296}""", "'seed' must be a 32-bit integer; got 4294967296." },
        { """{"kind":"status","seed":7}""", "'seed' applies only with 'ratio'." },
        { """{"kind":"status","always":"yes"}""", "'always' must be true or false; got the string \"yes\"." },
        { """{"kind":"status","always":1}""", "'always' must be true or false; got 1." },
        { """{"kind":"status","count":2,"always":true}""", "Use one of 'count' (the next N requests), 'ratio' (a seeded share of requests) or 'always' (every request), not several." },
        { """{"kind":"status","count":2,"ratio":0.5}""", "Use one of 'count'" },
        { """{"kind":"status","ratio":0.5,"always":true}""", "Use one of 'count'" },

        // kind, unknown and misplaced fields
        { """{"status":503}""", "'kind' is required: status, reset, latency, stall, truncate, malformed or stream_error." },
        { """{"kind":null}""", "'kind' is required" },
        { """{"kind":"explode"}""", "'kind' must be one of status, reset, latency, stall, truncate, malformed or stream_error; got \"explode\"." },
        { """{"kind":5}""", "'kind' must be a string; got 5." },
        { """{"kind":"status","retryAfter":2}""", "Unknown field 'retryAfter'. The fields are: kind, status, retry_after, retry_after_ms, message, latency_ms, after_chunks, count, ratio, seed, always." },
        { """{"kind":"status","latency_ms":5}""", "'latency_ms' does not apply to kind 'status'; it takes status, retry_after, retry_after_ms, message (and count, ratio with seed, or always)." },
        { """{"kind":"reset","after_chunks":1}""", "'after_chunks' does not apply to kind 'reset'; it takes no fields of its own" },
        { """{"kind":"stall","status":503}""", "'status' does not apply to kind 'stall'; it takes after_chunks" },
        { """{"kind":"latency","retry_after":1}""", "'retry_after' does not apply to kind 'latency'; it takes latency_ms" },

        // the body itself
        { "", "The body is empty; send a JSON object such as {\"kind\":\"status\",\"status\":503,\"count\":2}." },
        { """{"kind":"status","status":503""", "The body is not valid JSON (" },
        { """{kind:'status'}""", "The body is not valid JSON (" },
        { """[{"kind":"status"}]""", "The body must be a JSON object such as {\"kind\":\"status\",\"status\":503,\"count\":2}, not an array." },
        { "\"status\"", "The body must be a JSON object such as {\"kind\":\"status\",\"status\":503,\"count\":2}, not the string \"status\"." },
        { "null", "The body must be a JSON object such as {\"kind\":\"status\",\"status\":503,\"count\":2}, not null." },
        { """{"kind":"status","kind":"reset"}""", "The body is not valid JSON (" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_fault_bodies_get_400_naming_the_field_and_script_nothing(string body, string message)
    {
        fixture.Fresh("openai");
        var injected = fixture.Host["openai"].Faults.Injected;

        var (status, error) = await PostFaultAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(message, error, StringComparison.Ordinal);
        using var chat = await ChatAsync();
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Equal(injected, fixture.Host["openai"].Faults.Injected);
    }

    [Fact]
    public async Task Status_boundaries_400_and_599_are_accepted_and_sent()
    {
        fixture.Fresh("openai");

        Assert.Equal(HttpStatusCode.OK, (await PostFaultAsync("""{"kind":"status","status":400}""")).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostFaultAsync("""{"kind":"status","status":599,"count":2,"retry_after":0,"retry_after_ms":0}""")).Status);

        using (var first = await ChatAsync())
        {
            Assert.Equal(HttpStatusCode.BadRequest, first.StatusCode);
        }

        for (var i = 0; i < 2; i++)
        {
            using var next = await ChatAsync();
            Assert.Equal((HttpStatusCode)599, next.StatusCode);
        }

        using var healthy = await ChatAsync();
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
    }

    [Theory]
    [InlineData("""{"kind":"status","count":1000000}""")]
    [InlineData("""{"kind":"STATUS","status":503,"message":null}""")]
    [InlineData("""{"kind":"status","ratio":0}""")]
    [InlineData("""{"kind":"status","ratio":1,"seed":-7}""")]
    [InlineData("""{"kind":"status","always":true}""")]
    [InlineData("""{"kind":"status","always":false,"count":3}""")]
    [InlineData("""{"kind":"reset"}""")]
    [InlineData("""{"kind":"latency","latency_ms":0}""")]
    [InlineData("""{"kind":"latency","latency_ms":3600000,"count":1}""")]
    [InlineData("""{"kind":"stall","after_chunks":0}""")]
    [InlineData("""{"kind":"truncate","after_chunks":100000}""")]
    [InlineData("""{"kind":"malformed"}""")]
    [InlineData("""{"kind":"stream_error","after_chunks":2,"status":529,"message":"busy"}""")]
    [InlineData("""{"kind":"status","status":429,"retry_after":1.5,"retry_after_ms":1500,"message":"slow down"}""")]
    public async Task Valid_fault_bodies_are_accepted(string body)
    {
        fixture.Fresh("openai");

        var (status, text) = await PostFaultAsync(body);

        Assert.True(status == HttpStatusCode.OK, text);
        fixture.Fresh("openai");
    }

    [Fact]
    public async Task A_ratio_of_one_fails_every_request_with_the_scripted_status()
    {
        fixture.Fresh("openai");
        Assert.Equal(HttpStatusCode.OK, (await PostFaultAsync("""{"kind":"status","status":502,"ratio":1,"seed":3}""")).Status);

        for (var i = 0; i < 3; i++)
        {
            using var chat = await ChatAsync();
            Assert.Equal(HttpStatusCode.BadGateway, chat.StatusCode);
        }

        fixture.Fresh("openai");
    }

    private async Task<(HttpStatusCode Status, string Error)> PostFaultAsync(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(new Uri(fixture.Host.ControlUrl + "/openai/faults"), content, Token);
        var text = await response.Content.ReadAsStringAsync(Token);
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            return (response.StatusCode, JsonNode.Parse(text)!["error"]!.GetValue<string>());
        }

        return (response.StatusCode, text);
    }

    private async Task<HttpResponseMessage> ChatAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fixture.Host["openai"].BaseUrl + "/chat/completions"))
        {
            Content = new StringContent("""{"model":"gpt-4.1-mini","messages":[{"role":"user","content":"Hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-test");
        return await Http.SendAsync(request, Token);
    }
}
