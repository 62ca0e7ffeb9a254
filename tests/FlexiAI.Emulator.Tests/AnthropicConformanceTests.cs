using System.Text.Json;
using Anthropic;
using Anthropic.Core;
using Anthropic.Exceptions;
using Microsoft.Extensions.AI;

namespace FlexiAI.Emulator.Tests;

/// <summary>The official Anthropic .NET SDK (through its own IChatClient) as a real client of the emulator.</summary>
public sealed class AnthropicConformanceTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private AnthropicClient Sdk(string key = "sk-ant-test")
    {
        fixture.Fresh("anthropic");
        return new AnthropicClient(new ClientOptions { ApiKey = key, BaseUrl = fixture.Host["anthropic"].BaseUrl.ToString().TrimEnd('/'), MaxRetries = 0 });
    }

    private IChatClient Chat(int maxTokens = 1024) => Sdk().AsIChatClient("claude-sonnet-4-5", maxTokens);

    [Fact]
    public async Task Non_streaming_reply_usage_and_stop_reason()
    {
        var response = await Chat().GetResponseAsync([new(ChatRole.System, "Be brief."), new(ChatRole.User, "What is failover?")], cancellationToken: Token);

        Assert.Equal("Hello from anthropic. You said: \"What is failover?\". This is a deterministic reply from the FlexiAI emulator.", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.True(response.Usage!.InputTokenCount > 0);
        Assert.True(response.Usage.OutputTokenCount > 0);
        var entry = fixture.Host["anthropic"].Journal.Last!;
        var body = entry.Json()!;
        Assert.Equal(1024, body["max_tokens"]!.GetValue<int>());
        Assert.Equal("Be brief.", body["system"] is System.Text.Json.Nodes.JsonArray a ? a[0]!["text"]!.GetValue<string>() : body["system"]!.GetValue<string>());
        // The SDK authenticates with x-api-key or a bearer token; the journal masks either.
        Assert.True(entry.Headers.GetValueOrDefault("x-api-key") == "***" || entry.Headers.GetValueOrDefault("authorization") == "Bearer ***", string.Join(", ", entry.Headers.Keys));
        Assert.DoesNotContain(entry.Headers.Values, v => v.Contains("sk-ant-test", StringComparison.Ordinal));
        Assert.False(string.IsNullOrEmpty(entry.Headers["anthropic-version"]));
    }

    [Fact]
    public async Task Streaming_reply_follows_the_event_sequence()
    {
        var text = new System.Text.StringBuilder();
        ChatFinishReason? finish = null;
        UsageDetails? usage = null;
        await foreach (var update in Chat().GetStreamingResponseAsync([new(ChatRole.User, "Stream please")], cancellationToken: Token))
        {
            text.Append(update.Text);
            finish ??= update.FinishReason;
            foreach (var u in update.Contents.OfType<UsageContent>())
            {
                usage = u.Details;
            }
        }

        Assert.Equal("Hello from anthropic. You said: \"Stream please\". This is a deterministic reply from the FlexiAI emulator.", text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
    }

    [Fact]
    public async Task Tool_use_round_trip()
    {
        var tool = AIFunctionFactory.Create((string city) => $"21 degrees in {city}", "get_weather", "Weather for a city");
        var chat = Chat();
        var options = new ChatOptions { Tools = [tool], ToolMode = ChatToolMode.RequireAny };
        List<ChatMessage> messages = [new(ChatRole.User, "What's the weather?")];

        var first = await chat.GetResponseAsync(messages, options, Token);

        var call = Assert.Single(first.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Paris", call.Arguments!["city"]?.ToString());
        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        Assert.Equal("any", fixture.Host["anthropic"].Journal.Last!.Json()!["tool_choice"]!["type"]!.GetValue<string>());

        messages.AddRange(first.Messages);
        messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, "21 degrees in Paris")]));
        var second = await chat.GetResponseAsync(messages, new ChatOptions { Tools = [tool] }, Token);

        Assert.Equal("The get_weather tool returned: 21 degrees in Paris", second.Text);
    }

    [Fact]
    public async Task Streamed_tool_use_arrives_as_input_json_deltas()
    {
        var tool = AIFunctionFactory.Create((string city) => city, "get_weather", "Weather for a city");
        var calls = new List<FunctionCallContent>();
        await foreach (var update in Chat().GetStreamingResponseAsync([new(ChatRole.User, "please use the tool")], new ChatOptions { Tools = [tool] }, Token))
        {
            calls.AddRange(update.Contents.OfType<FunctionCallContent>());
        }

        var call = Assert.Single(calls);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Paris", call.Arguments!["city"]?.ToString());
    }

    [Fact]
    public async Task Max_tokens_stop_reason_maps_to_length()
    {
        var response = await Chat(maxTokens: 2).GetResponseAsync([new(ChatRole.User, "Tell me everything")], cancellationToken: Token);

        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(8, response.Text.Length);
    }

    [Fact]
    public async Task Injected_529_raises_the_sdks_overloaded_exception()
    {
        var chat = Chat();
        fixture.Host["anthropic"].Faults.FailNext(1, 529);

        var error = await Assert.ThrowsAsync<AnthropicOverloadedException>(() => chat.GetResponseAsync([new(ChatRole.User, "Hi")], cancellationToken: Token));

        Assert.Equal(529, (int)error.StatusCode);
    }

    [Fact]
    public async Task Injected_429_raises_the_sdks_rate_limit_exception_with_anthropics_body()
    {
        var chat = Chat();
        fixture.Host["anthropic"].Faults.FailNext(1, Fault.Status(429, retryAfter: TimeSpan.FromSeconds(3)));

        var error = await Assert.ThrowsAsync<AnthropicRateLimitException>(() => chat.GetResponseAsync([new(ChatRole.User, "Hi")], cancellationToken: Token));

        Assert.Equal(429, (int)error.StatusCode);
        Assert.Contains("rate_limit_error", error.Message + error.ResponseBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_key_and_version_get_anthropics_errors()
    {
        fixture.Fresh("anthropic");
        using var http = new HttpClient();
        var url = new Uri(fixture.Host["anthropic"].BaseUrl + "/v1/messages");
        using var noKey = await http.PostAsync(url, new StringContent("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"Hi"}]}"""), Token);
        Assert.Equal(401, (int)noKey.StatusCode);
        using (var body = JsonDocument.Parse(await noKey.Content.ReadAsStringAsync(Token)))
        {
            Assert.Equal("error", body.RootElement.GetProperty("type").GetString());
            Assert.Equal("authentication_error", body.RootElement.GetProperty("error").GetProperty("type").GetString());
            Assert.StartsWith("req_", body.RootElement.GetProperty("request_id").GetString(), StringComparison.Ordinal);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent("""{"model":"m","messages":[{"role":"user","content":"Hi"}]}""") };
        request.Headers.Add("x-api-key", "k");
        request.Headers.Add("anthropic-version", "2023-06-01");
        using var noMaxTokens = await http.SendAsync(request, Token);
        Assert.Equal(400, (int)noMaxTokens.StatusCode);
        Assert.Contains("max_tokens: Field required", await noMaxTokens.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.True(noMaxTokens.Headers.Contains("request-id"));

        var error = await Assert.ThrowsAnyAsync<AnthropicApiException>(() =>
            new AnthropicClient(new ClientOptions { ApiKey = string.Empty, BaseUrl = fixture.Host["anthropic"].BaseUrl.ToString(), MaxRetries = 0 })
                .AsIChatClient("m", 10).GetResponseAsync([new(ChatRole.User, "Hi")], cancellationToken: Token));
        Assert.Equal(401, (int)error.StatusCode);
    }

    [Fact]
    public async Task Mid_stream_error_event_raises_in_the_sdk()
    {
        var chat = Chat();
        fixture.Host["anthropic"].Faults.FailNext(1, Fault.StreamError(afterChunks: 2, statusCode: 529));
        var text = new System.Text.StringBuilder();

        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var update in chat.GetStreamingResponseAsync([new(ChatRole.User, "Hi")], cancellationToken: Token))
            {
                text.Append(update.Text);
            }
        });

        Assert.Equal("Hello from ", text.ToString());
        Assert.True(error is AnthropicSseException or AnthropicApiException, error.GetType().FullName + ": " + error.Message);
        Assert.Contains("Overloaded", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Truncated_stream_has_no_stop_reason()
    {
        var chat = Chat();
        fixture.Host["anthropic"].Faults.FailNext(1, Fault.Truncate(afterChunks: 3));
        ChatFinishReason? finish = null;
        var text = new System.Text.StringBuilder();

        await foreach (var update in chat.GetStreamingResponseAsync([new(ChatRole.User, "Hi")], cancellationToken: Token))
        {
            finish ??= update.FinishReason;
            text.Append(update.Text);
        }

        Assert.Null(finish);
        Assert.Equal("Hello from anthropic. ", text.ToString());
    }

    [Fact]
    public async Task Models_list_answers_the_sdk()
    {
        var page = await Sdk().Models.List(new Anthropic.Models.Models.ModelListParams(), Token);

        Assert.Contains(page.Items, m => m.ID == "claude-sonnet-4-5");
    }
}
