using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlexiAI.Emulator.Tests;

/// <summary>No official .NET SDK exists for Vertex AI here: the emulator's output is checked field by field against WIRE.md.</summary>
public sealed class VertexAIWireTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private const string Path = "/v1/projects/demo-project/locations/us-central1/publishers/google/models/gemini-2.0-flash";
    private static readonly HttpClient Http = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> PostAsync(string method, string json, string? query = null, string? bearer = "ya29.test-token", string? apiKey = null)
    {
        fixture.Fresh("vertexai");
        return await SendAsync(method, json, query, bearer, apiKey);
    }

    private async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> SendAsync(string method, string json, string? query = null, string? bearer = "ya29.test-token", string? apiKey = null, string path = Path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"{fixture.Host["vertexai"].BaseUrl}{path}:{method}{query}"))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (apiKey is not null)
        {
            request.Headers.Add("x-goog-api-key", apiKey);
        }

        var response = await Http.SendAsync(request, Token);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Token), response);
    }

    private const string Hello = """{"contents":[{"role":"user","parts":[{"text":"Hi there"}]}]}""";

    [Fact]
    public async Task GenerateContent_has_every_documented_field()
    {
        var (status, body, _) = await PostAsync("generateContent", """
            {"systemInstruction":{"parts":[{"text":"Be brief."}]},"contents":[{"role":"user","parts":[{"text":"Hi there"}]},{"role":"model","parts":[{"text":"Hello"}]},{"role":"user","parts":[{"text":"Again"}]}],
             "generationConfig":{"temperature":0.2,"maxOutputTokens":500}}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        var root = JsonNode.Parse(body)!;
        var candidate = root["candidates"]![0]!;
        Assert.Equal("model", candidate["content"]!["role"]!.GetValue<string>());
        Assert.Equal("Hello from vertexai. You said: \"Again\". This is a deterministic reply from the FlexiAI emulator.", candidate["content"]!["parts"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("STOP", candidate["finishReason"]!.GetValue<string>());
        var rating = candidate["safetyRatings"]![0]!;
        Assert.NotNull(rating["category"]);
        Assert.NotNull(rating["probability"]);
        Assert.NotNull(rating["severity"]);
        var usage = root["usageMetadata"]!;
        var prompt = usage["promptTokenCount"]!.GetValue<int>();
        var output = usage["candidatesTokenCount"]!.GetValue<int>();
        Assert.Equal(prompt + output, usage["totalTokenCount"]!.GetValue<int>());
        Assert.Equal("gemini-2.0-flash", root["modelVersion"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(root["responseId"]!.GetValue<string>()));
        Assert.True(DateTimeOffset.TryParse(root["createTime"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, out _));
    }

    [Fact]
    public async Task Stream_chunks_are_sse_events_and_only_the_last_has_finish_reason_and_full_usage()
    {
        var (status, body, response) = await PostAsync("streamGenerateContent", Hello, "?alt=sse");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var events = body.Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.True(events.Length > 3);
        Assert.All(events, e => Assert.StartsWith("data: ", e, StringComparison.Ordinal));
        var chunks = events.Select(e => JsonNode.Parse(e["data: ".Length..])!).ToList();
        var ids = chunks.Select(c => c["responseId"]!.GetValue<string>()).Distinct().ToList();
        Assert.Single(ids);
        Assert.All(chunks, c => Assert.Equal("gemini-2.0-flash", c["modelVersion"]!.GetValue<string>()));
        Assert.All(chunks[..^1], c =>
        {
            Assert.Null(c["candidates"]![0]!["finishReason"]);
            Assert.Null(c["usageMetadata"]?["candidatesTokenCount"]);
        });
        var last = chunks[^1];
        Assert.Equal("STOP", last["candidates"]![0]!["finishReason"]!.GetValue<string>());
        Assert.NotNull(last["usageMetadata"]!["candidatesTokenCount"]);
        var text = string.Concat(chunks.Select(c => c["candidates"]![0]!["content"]!["parts"]![0]!["text"]!.GetValue<string>()));
        Assert.Equal("Hello from vertexai. You said: \"Hi there\". This is a deterministic reply from the FlexiAI emulator.", text);
    }

    [Fact]
    public async Task Function_calling_with_mode_ANY_and_the_functionResponse_turn()
    {
        const string Tools = "\"tools\":[{\"functionDeclarations\":[{\"name\":\"get_weather\",\"description\":\"Weather\",\"parameters\":{\"type\":\"OBJECT\",\"properties\":{\"city\":{\"type\":\"STRING\"}},\"required\":[\"city\"]}}]}]";
        var (_, body, _) = await PostAsync("generateContent", """{"contents":[{"role":"user","parts":[{"text":"Weather?"}]}],""" + Tools + ""","toolConfig":{"functionCallingConfig":{"mode":"ANY"}}}""");

        var call = JsonNode.Parse(body)!["candidates"]![0]!["content"]!["parts"]![0]!["functionCall"]!;
        Assert.Equal("get_weather", call["name"]!.GetValue<string>());
        Assert.Equal("Paris", call["args"]!["city"]!.GetValue<string>());
        Assert.Equal("STOP", JsonNode.Parse(body)!["candidates"]![0]!["finishReason"]!.GetValue<string>());

        var (_, answer, _) = await SendAsync("generateContent", """
            {"contents":[{"role":"user","parts":[{"text":"Weather?"}]},{"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}}}]},
             {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"temperature":21}}}]}],
            """ + Tools + "}");
        Assert.Equal("The get_weather tool returned: {\"temperature\":21}", JsonNode.Parse(answer)!["candidates"]![0]!["content"]!["parts"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_blocked_prompt_has_prompt_feedback_and_no_candidates()
    {
        var (status, body, _) = await PostAsync("generateContent", """{"contents":[{"role":"user","parts":[{"text":"something [[blocked]]"}]}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var root = JsonNode.Parse(body)!;
        Assert.Null(root["candidates"]);
        Assert.Equal("SAFETY", root["promptFeedback"]!["blockReason"]!.GetValue<string>());
        Assert.Contains(root["promptFeedback"]!["safetyRatings"]!.AsArray(), r => r!["blocked"]?.GetValue<bool>() == true);
    }

    [Fact]
    public async Task Max_output_tokens_finishes_with_MAX_TOKENS()
    {
        var (_, body, _) = await PostAsync("generateContent", """{"contents":[{"role":"user","parts":[{"text":"Hi"}]}],"generationConfig":{"maxOutputTokens":2}}""");

        Assert.Equal("MAX_TOKENS", JsonNode.Parse(body)!["candidates"]![0]!["finishReason"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(429, "RESOURCE_EXHAUSTED")]
    [InlineData(503, "UNAVAILABLE")]
    [InlineData(500, "INTERNAL")]
    [InlineData(504, "DEADLINE_EXCEEDED")]
    [InlineData(403, "PERMISSION_DENIED")]
    public async Task Errors_are_google_rpc_status_bodies(int code, string name)
    {
        fixture.Fresh("vertexai");
        fixture.Host["vertexai"].Faults.FailNext(1, Fault.Status(code, retryAfter: TimeSpan.FromSeconds(2)));

        var (status, body, response) = await SendAsync("generateContent", Hello);

        Assert.Equal(code, (int)status);
        var error = JsonNode.Parse(body)!["error"]!;
        Assert.Equal(code, error["code"]!.GetValue<int>());
        Assert.Equal(name, error["status"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(error["message"]!.GetValue<string>()));
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter!.Delta);
    }

    [Fact]
    public async Task Missing_credentials_get_UNAUTHENTICATED_and_express_mode_takes_an_api_key()
    {
        var (status, body, _) = await PostAsync("generateContent", Hello, bearer: null);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("UNAUTHENTICATED", JsonNode.Parse(body)!["error"]!["status"]!.GetValue<string>());

        var (expressStatus, _, _) = await SendAsync("generateContent", Hello, bearer: null, apiKey: "AIza-test-key", path: "/v1/publishers/google/models/gemini-2.0-flash");
        Assert.Equal(HttpStatusCode.OK, expressStatus);
        Assert.Equal("***", fixture.Host["vertexai"].Journal.Last!.Headers["x-goog-api-key"]);
    }

    [Fact]
    public async Task Mid_stream_error_is_bare_error_json()
    {
        fixture.Fresh("vertexai");
        fixture.Host["vertexai"].Faults.FailNext(1, Fault.StreamError(afterChunks: 2, statusCode: 503));

        var (_, body, _) = await SendAsync("streamGenerateContent", Hello, "?alt=sse");

        var events = body.Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, events.Length);
        var error = JsonNode.Parse(events[^1]["data: ".Length..])!;
        Assert.Equal("UNAVAILABLE", error["error"]!["status"]!.GetValue<string>());
        Assert.Null(error["candidates"]);
    }

    [Fact]
    public async Task Count_tokens_and_unknown_methods()
    {
        var (status, body, _) = await PostAsync("countTokens", Hello);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(JsonNode.Parse(body)!["totalTokens"]!.GetValue<int>() > 0);

        var (unknown, _, _) = await SendAsync("predict", Hello);
        Assert.Equal(HttpStatusCode.NotFound, unknown);
    }
}
