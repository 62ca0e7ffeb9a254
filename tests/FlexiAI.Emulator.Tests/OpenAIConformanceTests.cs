using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;

namespace FlexiAI.Emulator.Tests;

/// <summary>The official OpenAI .NET SDK as a real client of the emulator.</summary>
public sealed class OpenAIConformanceTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static readonly BinaryData WeatherSchema = BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city","unit"]}""");

    private ChatClient Client(string instance = "openai", string key = "sk-test-key")
    {
        fixture.Fresh(instance);
        return new ChatClient("gpt-4.1-mini", new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = fixture.Host[instance].BaseUrl, RetryPolicy = new ClientRetryPolicy(0) });
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Non_streaming_reply_usage_and_finish_reason()
    {
        var client = Client();

        ChatCompletion completion = await client.CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage("What is failover?")], cancellationToken: Token);

        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal("Hello from openai. You said: \"What is failover?\". This is a deterministic reply from the FlexiAI emulator.", completion.Content[0].Text);
        Assert.Equal("gpt-4.1-mini", completion.Model);
        Assert.StartsWith("chatcmpl-", completion.Id, StringComparison.Ordinal);
        Assert.True(completion.Usage.InputTokenCount > 0);
        Assert.Equal(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount);
        Assert.Equal("fp_emulator", completion.SystemFingerprint);
    }

    [Fact]
    public async Task Streaming_reply_ends_with_the_usage_chunk()
    {
        var client = Client();
        var text = new System.Text.StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        var updates = 0;

        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Stream please")], new ChatCompletionOptions(), Token))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage ??= update.Usage;
            finish ??= update.FinishReason;
        }

        Assert.Equal("Hello from openai. You said: \"Stream please\". This is a deterministic reply from the FlexiAI emulator.", text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.True(updates > 5);
        var body = fixture.Host["openai"].Journal.Last!.Json()!;
        Assert.True(body["stream"]!.GetValue<bool>());
        Assert.True(body["stream_options"]!["include_usage"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Forced_tool_call_and_tool_result_round_trip()
    {
        var client = Client();
        var options = new ChatCompletionOptions { ToolChoice = ChatToolChoice.CreateRequiredChoice() };
        options.Tools.Add(ChatTool.CreateFunctionTool("get_weather", "Weather for a city", WeatherSchema));
        List<ChatMessage> messages = [new UserChatMessage("What's the weather?")];

        ChatCompletion call = await client.CompleteChatAsync(messages, options, Token);

        Assert.Equal(ChatFinishReason.ToolCalls, call.FinishReason);
        var toolCall = Assert.Single(call.ToolCalls);
        Assert.Equal("get_weather", toolCall.FunctionName);
        using var args = JsonDocument.Parse(toolCall.FunctionArguments);
        Assert.Equal("Paris", args.RootElement.GetProperty("city").GetString());
        Assert.Equal("celsius", args.RootElement.GetProperty("unit").GetString());

        messages.Add(new AssistantChatMessage(call));
        messages.Add(new ToolChatMessage(toolCall.Id, "{\"temperature\":21}"));
        ChatCompletion answer = await client.CompleteChatAsync(messages, new ChatCompletionOptions { Tools = { options.Tools[0] } }, Token);

        Assert.Equal(ChatFinishReason.Stop, answer.FinishReason);
        Assert.Equal("The get_weather tool returned: {\"temperature\":21}", answer.Content[0].Text);
    }

    [Fact]
    public async Task Tool_call_streams_as_deltas_when_the_user_names_the_tool()
    {
        var client = Client();
        var options = new ChatCompletionOptions();
        options.Tools.Add(ChatTool.CreateFunctionTool("get_weather", "Weather for a city", WeatherSchema));
        string? name = null;
        string? id = null;
        var arguments = new System.Text.StringBuilder();
        var fragments = 0;
        ChatFinishReason? finish = null;

        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Call get_weather for me")], options, Token))
        {
            foreach (var tool in update.ToolCallUpdates)
            {
                name ??= tool.FunctionName;
                id ??= tool.ToolCallId;
                if (tool.FunctionArgumentsUpdate is { } piece && !piece.ToMemory().IsEmpty)
                {
                    arguments.Append(piece.ToString());
                    fragments++;
                }
            }

            finish ??= update.FinishReason;
        }

        Assert.Equal("get_weather", name);
        Assert.StartsWith("call_", id, StringComparison.Ordinal);
        Assert.True(fragments > 1);
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        using var parsed = JsonDocument.Parse(arguments.ToString());
        Assert.Equal("Paris", parsed.RootElement.GetProperty("city").GetString());
    }

    [Fact]
    public async Task Json_modes_reply_with_valid_json()
    {
        var client = Client();
        ChatCompletion jsonObject = await client.CompleteChatAsync([new UserChatMessage("Answer in JSON")], new ChatCompletionOptions { ResponseFormat = ChatResponseFormat.CreateJsonObjectFormat() }, Token);
        using (var parsed = JsonDocument.Parse(jsonObject.Content[0].Text))
        {
            Assert.StartsWith("Hello from openai.", parsed.RootElement.GetProperty("reply").GetString(), StringComparison.Ordinal);
        }

        var schema = BinaryData.FromString("""{"type":"object","properties":{"answer":{"type":"string"},"confidence":{"type":"number"}},"required":["answer","confidence"]}""");
        ChatCompletion structured = await client.CompleteChatAsync([new UserChatMessage("Structured")], new ChatCompletionOptions { ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("result", schema) }, Token);
        using var result = JsonDocument.Parse(structured.Content[0].Text);
        Assert.Equal(1.5, result.RootElement.GetProperty("confidence").GetDouble());
        Assert.StartsWith("Hello from openai.", result.RootElement.GetProperty("answer").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Max_tokens_cuts_the_reply_with_length()
    {
        var client = Client();

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("Tell me everything")], new ChatCompletionOptions { MaxOutputTokenCount = 3 }, Token);

        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(12, completion.Content[0].Text.Length);
        Assert.Equal(3, completion.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task Injected_429_surfaces_with_its_body_and_retry_after()
    {
        var client = Client();
        fixture.Host["openai"].Faults.FailNext(1, Fault.Status(429, retryAfter: TimeSpan.FromSeconds(7), retryAfterMs: TimeSpan.FromMilliseconds(6500)));

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: Token));

        Assert.Equal(429, error.Status);
        var response = error.GetRawResponse()!;
        Assert.True(response.Headers.TryGetValue("Retry-After", out var retryAfter));
        Assert.Equal("7", retryAfter);
        Assert.True(response.Headers.TryGetValue("retry-after-ms", out var retryAfterMs));
        Assert.Equal("6500", retryAfterMs);
        Assert.True(response.Headers.TryGetValue("x-request-id", out _));
        using var body = JsonDocument.Parse(response.Content.ToString());
        Assert.Equal("rate_limit_exceeded", body.RootElement.GetProperty("error").GetProperty("code").GetString());

        ChatCompletion next = await client.CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: Token);
        Assert.Equal(ChatFinishReason.Stop, next.FinishReason);
    }

    [Theory]
    [InlineData(500, "server_error")]
    [InlineData(503, "server_error")]
    [InlineData(400, "invalid_request_error")]
    public async Task Injected_statuses_carry_openais_error_body(int status, string type)
    {
        var client = Client();
        fixture.Host["openai"].Faults.FailNext(1, status);

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: Token));

        Assert.Equal(status, error.Status);
        using var body = JsonDocument.Parse(error.GetRawResponse()!.Content.ToString());
        var e = body.RootElement.GetProperty("error");
        Assert.Equal(type, e.GetProperty("type").GetString());
        Assert.True(e.TryGetProperty("param", out _));
        Assert.True(e.TryGetProperty("message", out _));
    }

    [Fact]
    public async Task Wrong_and_missing_keys_get_openais_401()
    {
        var client = Client("strict-openai", key: "sk-wrong-key-0000000000000");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: Token));

        Assert.Equal(401, error.Status);
        var text = error.GetRawResponse()!.Content.ToString();
        Assert.Contains("invalid_api_key", text, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-wrong-key-0000000000000", text, StringComparison.Ordinal);
        var right = Client("strict-openai", key: "sk-right-key-000000000000");
        Assert.Equal(ChatFinishReason.Stop, (await right.CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: Token)).Value.FinishReason);
    }

    [Fact]
    public async Task Connection_reset_surfaces_as_a_transport_error()
    {
        var client = Client();
        fixture.Host["openai"].Faults.FailNext(1, Fault.ResetConnection());

        var error = await Assert.ThrowsAnyAsync<Exception>(() => client.CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: Token));

        Assert.True(error is ClientResultException { Status: 0 } or HttpRequestException or IOException or AggregateException, error.GetType().FullName);
    }

    [Fact]
    public async Task Mid_stream_error_payload_and_truncation_are_visible_to_the_sdk()
    {
        var client = Client();
        // The official SDK does not raise on a `data: {"error":…}` payload: it yields nothing for it and the stream ends
        // without a finish reason — which is why FlexiAI treats a stream without its terminal event as a failure.
        fixture.Host["openai"].Faults.FailNext(1, Fault.StreamError(afterChunks: 2, statusCode: 500));
        ChatFinishReason? errorFinish = null;
        var before = new System.Text.StringBuilder();
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Hi")], new ChatCompletionOptions(), Token))
        {
            errorFinish ??= update.FinishReason;
            before.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
        }

        Assert.Null(errorFinish);
        Assert.Equal("Hello from ", before.ToString());

        fixture.Host["openai"].Faults.FailNext(1, Fault.Truncate(afterChunks: 3));
        ChatFinishReason? finish = null;
        var text = new System.Text.StringBuilder();
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Hi")], new ChatCompletionOptions(), Token))
        {
            finish ??= update.FinishReason;
            text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
        }

        Assert.Null(finish);
        Assert.Equal("Hello from openai. ", text.ToString());
    }

    [Fact]
    public async Task Models_endpoint_answers_the_sdk()
    {
        fixture.Fresh("openai");
        var models = new OpenAIClient(new ApiKeyCredential("sk-test"), new OpenAIClientOptions { Endpoint = fixture.Host["openai"].BaseUrl, RetryPolicy = new ClientRetryPolicy(0) }).GetOpenAIModelClient();

        var list = await models.GetModelsAsync(Token);
        var one = await models.GetModelAsync("gpt-4.1-mini", Token);

        Assert.Contains(list.Value, m => m.Id == "gpt-4.1-mini");
        Assert.Equal("gpt-4.1-mini", one.Value.Id);
    }

    [Fact]
    public async Task Two_openai_compatible_instances_behave_independently()
    {
        var first = Client("openai");
        var second = Client("openai-2");
        fixture.Host["openai"].Faults.FailAlways(Fault.Status(503));

        var answer = await second.CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: Token);
        await Assert.ThrowsAsync<ClientResultException>(() => first.CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: Token));

        Assert.Equal("the second OpenAI-compatible instance", answer.Value.Content[0].Text);
        Assert.Equal(1, fixture.Host["openai-2"].Journal.Count);
        fixture.Host["openai"].Faults.Clear();
    }
}
