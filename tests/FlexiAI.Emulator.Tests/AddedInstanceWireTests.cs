using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace FlexiAI.Emulator.Tests;

/// <summary>The added instance kinds on the raw wire: Azure OpenAI's paths, auth and error bodies; quirks; Ollama's NDJSON; the Gemini API's paths and key.</summary>
public sealed class AddedInstanceWireTests : IAsyncLifetime
{
    private static readonly HttpClient Http = new();
    private EmulatorHost _host = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var options = EmulatorOptions.All();
        options.Instances.Single(i => i.Name == "azure").Models.Add("my-deployment");
        options.Instances.Single(i => i.Name == "azure").BearerToken = "entra-token";
        options.Instances.Single(i => i.Name == "ollama").Models.Add("gemma3");
        options.Instances.Add(new EmulatedInstanceOptions("quirky", EmulatedProviderKind.OpenAICompatible) { Quirks = OpenAICompatibleQuirks.SeparateFinishChunk | OpenAICompatibleQuirks.NoStreamUsage });
        options.Instances.Add(new EmulatedInstanceOptions("picky", EmulatedProviderKind.OpenAICompatible) { Quirks = OpenAICompatibleQuirks.RejectStreamOptions });
        _host = await EmulatorHost.StartAsync(options);
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> SendAsync(
        HttpMethod method, string url, string? json = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(url));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        configure?.Invoke(request);
        var response = await Http.SendAsync(request, Token);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Token), response);
    }

    private const string Chat = """{"model":"my-deployment","messages":[{"role":"user","content":"Hi"}]}""";

    [Fact]
    public async Task Azure_serves_the_classic_and_v1_paths_with_an_api_key()
    {
        var azure = _host["azure"].BaseUrl.AbsoluteUri;
        void Key(HttpRequestMessage r) => r.Headers.Add("api-key", "any-key");

        var classic = await SendAsync(HttpMethod.Post, azure + "/openai/deployments/my-deployment/chat/completions?api-version=2024-10-21", """{"messages":[{"role":"user","content":"Hi"}]}""", Key);
        var v1 = await SendAsync(HttpMethod.Post, azure + "/openai/v1/chat/completions", Chat, Key);
        var noVersion = await SendAsync(HttpMethod.Post, azure + "/openai/deployments/my-deployment/chat/completions", Chat, Key);

        Assert.Equal(HttpStatusCode.OK, classic.Status);
        Assert.Equal("my-deployment", JsonNode.Parse(classic.Body)!["model"]!.GetValue<string>());
        Assert.NotNull(JsonNode.Parse(classic.Body)!["prompt_filter_results"]);
        Assert.Equal(HttpStatusCode.OK, v1.Status);
        Assert.Equal(HttpStatusCode.NotFound, noVersion.Status);
        Assert.True(classic.Response.Headers.Contains("apim-request-id"));
    }

    [Fact]
    public async Task Azure_checks_the_bearer_token_and_answers_auth_errors_in_its_shape()
    {
        var url = _host["azure"].BaseUrl.AbsoluteUri + "/openai/v1/chat/completions";

        var none = await SendAsync(HttpMethod.Post, url, Chat);
        var wrong = await SendAsync(HttpMethod.Post, url, Chat, r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "old-token"));
        var right = await SendAsync(HttpMethod.Post, url, Chat, r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "entra-token"));

        Assert.Equal(HttpStatusCode.Unauthorized, none.Status);
        Assert.Equal("401", JsonNode.Parse(none.Body)!["error"]!["code"]!.GetValue<string>());
        Assert.Contains("invalid subscription key", none.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Contains("have expired", wrong.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, right.Status);
    }

    [Fact]
    public async Task Azure_content_filter_and_unknown_deployment_bodies()
    {
        var azure = _host["azure"].BaseUrl.AbsoluteUri;
        void Key(HttpRequestMessage r) => r.Headers.Add("api-key", "any-key");

        var filtered = await SendAsync(HttpMethod.Post, azure + "/openai/v1/chat/completions", """{"model":"my-deployment","messages":[{"role":"user","content":"x [[filtered]]"}]}""", Key);
        var missing = await SendAsync(HttpMethod.Post, azure + "/openai/deployments/other/chat/completions?api-version=2024-10-21", Chat, Key);

        Assert.Equal(HttpStatusCode.BadRequest, filtered.Status);
        var error = JsonNode.Parse(filtered.Body)!["error"]!;
        Assert.Equal(("content_filter", "prompt", "ResponsibleAIPolicyViolation"), (error["code"]!.GetValue<string>(), error["param"]!.GetValue<string>(), error["innererror"]!["code"]!.GetValue<string>()));
        Assert.True(error["innererror"]!["content_filter_result"]!["violence"]!["filtered"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("DeploymentNotFound", JsonNode.Parse(missing.Body)!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Compatible_quirks_shape_the_stream_and_reject_stream_options()
    {
        const string Stream = """{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}]}""";

        var quirky = await SendAsync(HttpMethod.Post, _host["quirky"].BaseUrl.AbsoluteUri + "/chat/completions", Stream);
        var picky = await SendAsync(HttpMethod.Post, _host["picky"].BaseUrl.AbsoluteUri + "/chat/completions", Stream);
        var plain = await SendAsync(HttpMethod.Post, _host["compatible"].BaseUrl.AbsoluteUri + "/chat/completions", Stream);

        var events = quirky.Body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e["data: ".Length..]).ToList();
        Assert.Equal("[DONE]", events[^1]);
        var finish = JsonNode.Parse(events[^2])!;
        Assert.Equal("stop", finish["choices"]![0]!["finish_reason"]!.GetValue<string>());
        Assert.Null(finish["choices"]![0]!["delta"]);
        Assert.DoesNotContain("\"usage\":{", quirky.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, picky.Status);
        Assert.Contains("stream_options", picky.Body, StringComparison.Ordinal);
        Assert.Contains("\"usage\":{", plain.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ollama_streams_ndjson_lists_pulled_models_and_names_a_missing_one()
    {
        var ollama = _host["ollama"].BaseUrl.AbsoluteUri;

        var stream = await SendAsync(HttpMethod.Post, ollama + "/api/chat", """{"model":"gemma3","messages":[{"role":"user","content":"Hi there"}]}""");
        var single = await SendAsync(HttpMethod.Post, ollama + "/api/chat", """{"model":"gemma3:latest","stream":false,"messages":[{"role":"user","content":"Hi"}]}""");
        var missing = await SendAsync(HttpMethod.Post, ollama + "/api/chat", """{"model":"qwen3","messages":[{"role":"user","content":"Hi"}]}""");
        var tags = await SendAsync(HttpMethod.Get, ollama + "/api/tags");

        Assert.Equal("application/x-ndjson", stream.Response.Content.Headers.ContentType!.MediaType);
        var lines = stream.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.All(lines[..^1], l => Assert.False(l["done"]!.GetValue<bool>()));
        Assert.True(lines[^1]["done"]!.GetValue<bool>());
        Assert.Equal("stop", lines[^1]["done_reason"]!.GetValue<string>());
        Assert.True(lines[^1]["eval_count"]!.GetValue<int>() > 0);
        Assert.Contains("Hello from ollama.", string.Concat(lines.Select(l => l["message"]!["content"]!.GetValue<string>())), StringComparison.Ordinal);
        Assert.True(JsonNode.Parse(single.Body)!["done"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("model \"qwen3\" not found, try pulling it first", JsonNode.Parse(missing.Body)!["error"]!.GetValue<string>());
        Assert.Equal("gemma3:latest", JsonNode.Parse(tags.Body)!["models"]![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Faults_apply_to_ollama_in_its_own_shapes()
    {
        var ollama = _host["ollama"];
        ollama.Faults.FailNext(1, Fault.Status(503));
        ollama.Faults.FailNext(1, Fault.StreamError(afterChunks: 1, statusCode: 500, message: "boom"));

        var down = await SendAsync(HttpMethod.Post, ollama.BaseUrl.AbsoluteUri + "/api/chat", """{"model":"gemma3","messages":[{"role":"user","content":"Hi"}]}""");
        var broken = await SendAsync(HttpMethod.Post, ollama.BaseUrl.AbsoluteUri + "/api/chat", """{"model":"gemma3","messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.Status);
        Assert.NotNull(JsonNode.Parse(down.Body)!["error"]);
        var last = broken.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.Equal("boom", JsonNode.Parse(last)!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Gemini_serves_its_paths_with_a_key_only()
    {
        var gemini = _host["gemini"].BaseUrl.AbsoluteUri;
        const string Body = """{"contents":[{"role":"user","parts":[{"text":"Hi"}]}]}""";
        void Key(HttpRequestMessage r) => r.Headers.Add("x-goog-api-key", "AIza-test");

        var answer = await SendAsync(HttpMethod.Post, gemini + "/v1beta/models/gemini-3.5-flash:generateContent", Body, Key);
        var stream = await SendAsync(HttpMethod.Post, gemini + "/v1beta/models/gemini-3.5-flash:streamGenerateContent?alt=sse", Body, Key);
        var model = await SendAsync(HttpMethod.Get, gemini + "/v1beta/models/gemini-3.5-flash", configure: Key);
        var bearer = await SendAsync(HttpMethod.Post, gemini + "/v1beta/models/gemini-3.5-flash:generateContent", Body, r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "ya29"));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("STOP", JsonNode.Parse(answer.Body)!["candidates"]![0]!["finishReason"]!.GetValue<string>());
        Assert.StartsWith("data: ", stream.Body, StringComparison.Ordinal);
        Assert.Equal("models/gemini-3.5-flash", JsonNode.Parse(model.Body)!["name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, bearer.Status);
    }
}
