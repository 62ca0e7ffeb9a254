using System.ClientModel;
using System.Text;
using System.Text.Json;
using FlexiAI.Emulator;
using OpenAI.Chat;

namespace FlexiAI.Gateway.Tests;

/// <summary>The official OpenAI .NET SDK against the gateway, the emulator behind it injecting faults.</summary>
public sealed class SdkTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static readonly BinaryData WeatherSchema = BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city","unit"]}""");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Non_streaming_answer_carries_the_route_in_headers()
    {
        await using var rig = await GatewayRig.StartAsync(fixture.Host);

        var result = await rig.Sdk().CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage("Hello")], new ChatCompletionOptions { Temperature = 0.2f, TopP = 0.9f, Seed = 7, MaxOutputTokenCount = 200, StopSequences = { "\n\n" } }, Token);
        ChatCompletion completion = result;
        var headers = result.GetRawResponse().Headers;

        Assert.StartsWith("Hello from openai.", completion.Content[0].Text, StringComparison.Ordinal);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.True(completion.Usage.TotalTokenCount > 0);
        Assert.True(headers.TryGetValue("x-flexiai-provider", out var provider));
        Assert.Equal("openai", provider);
        Assert.True(headers.TryGetValue("x-flexiai-attempts", out var attempts));
        Assert.Equal("1", attempts);
        Assert.True(headers.TryGetValue("x-request-id", out var id));
        Assert.Equal("chatcmpl-" + id, completion.Id);
        Assert.True(headers.TryGetValue("x-flexiai-cost", out _));
    }

    [Fact]
    public async Task Primary_down_the_backup_answers_and_the_headers_say_so()
    {
        await using var rig = await GatewayRig.StartAsync(fixture.Host);
        fixture.Host["openai"].Faults.FailAlways(Fault.Status(503));

        var result = await rig.Sdk().CompleteChatAsync([new UserChatMessage("Hello")], cancellationToken: Token);

        Assert.StartsWith("Hello from anthropic.", result.Value.Content[0].Text, StringComparison.Ordinal);
        Assert.True(result.GetRawResponse().Headers.TryGetValue("x-flexiai-provider", out var provider));
        Assert.Equal("anthropic", provider);
        Assert.True(result.GetRawResponse().Headers.TryGetValue("x-flexiai-attempts", out var attempts));
        Assert.Equal("2", attempts);
    }

    [Fact]
    public async Task Streaming_forwards_text_finish_reason_and_usage()
    {
        await using var rig = await GatewayRig.StartAsync(fixture.Host);
        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        var updates = 0;

        await foreach (var update in rig.Sdk().CompleteChatStreamingAsync([new UserChatMessage("Stream please")], new ChatCompletionOptions(), Token))
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
        Assert.True(usage.OutputTokenCount > 0);
        Assert.True(updates > 5, $"only {updates} updates: chunks must be forwarded one by one, not as one buffered answer");
    }

    [Fact]
    public async Task Stall_before_the_first_token_fails_over_invisibly()
    {
        await using var rig = await GatewayRig.StartAsync(fixture.Host, options => options.Providers[0].FirstTokenTimeout = TimeSpan.FromMilliseconds(300));
        fixture.Host["openai"].Faults.FailAlways(Fault.Stall());
        var text = new StringBuilder();

        await foreach (var update in rig.Sdk().CompleteChatStreamingAsync([new UserChatMessage("Hi")], new ChatCompletionOptions(), Token))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        Assert.StartsWith("Hello from anthropic.", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mid_stream_failure_surfaces_in_the_sdk_never_as_a_silent_truncation()
    {
        await using var rig = await GatewayRig.StartAsync(fixture.Host);
        fixture.Host["openai"].Faults.FailAlways(Fault.StreamError(afterChunks: 3));
        var text = new StringBuilder();
        ChatFinishReason? finish = null;

        var error = await Record.ExceptionAsync(async () =>
        {
            await foreach (var update in rig.Sdk().CompleteChatStreamingAsync([new UserChatMessage("Hi")], new ChatCompletionOptions(), Token))
            {
                foreach (var part in update.ContentUpdate)
                {
                    text.Append(part.Text);
                }

                finish ??= update.FinishReason;
            }
        });

        Assert.NotNull(error);
        Assert.Null(finish);
        Assert.True(text.Length > 0, "the chunks before the failure reach the client");

        // The gateway keeps serving.
        fixture.Host["openai"].Faults.Clear();
        ChatCompletion after = await rig.Sdk().CompleteChatAsync([new UserChatMessage("Again")], cancellationToken: Token);
        Assert.StartsWith("Hello from", after.Content[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tools_round_trip_through_the_gateway()
    {
        await using var rig = await GatewayRig.StartAsync(fixture.Host);
        var client = rig.Sdk();
        var options = new ChatCompletionOptions { ToolChoice = ChatToolChoice.CreateRequiredChoice(), AllowParallelToolCalls = true };
        options.Tools.Add(ChatTool.CreateFunctionTool("get_weather", "Weather for a city", WeatherSchema));
        List<ChatMessage> messages = [new UserChatMessage("What's the weather?")];

        ChatCompletion call = await client.CompleteChatAsync(messages, options, Token);

        Assert.Equal(ChatFinishReason.ToolCalls, call.FinishReason);
        var toolCall = Assert.Single(call.ToolCalls);
        Assert.Equal("get_weather", toolCall.FunctionName);
        using (var args = JsonDocument.Parse(toolCall.FunctionArguments))
        {
            Assert.Equal("Paris", args.RootElement.GetProperty("city").GetString());
        }

        messages.Add(new AssistantChatMessage(call));
        messages.Add(new ToolChatMessage(toolCall.Id, "{\"temperature\":21}"));
        ChatCompletion answer = await client.CompleteChatAsync(messages, new ChatCompletionOptions { Tools = { options.Tools[0] } }, Token);

        Assert.Equal(ChatFinishReason.Stop, answer.FinishReason);
        Assert.Equal("The get_weather tool returned: {\"temperature\":21}", answer.Content[0].Text);
    }

    [Fact]
    public async Task Streamed_tool_calls_arrive_as_deltas_the_sdk_assembles()
    {
        await using var rig = await GatewayRig.StartAsync(fixture.Host);
        var options = new ChatCompletionOptions();
        options.Tools.Add(ChatTool.CreateFunctionTool("get_weather", "Weather for a city", WeatherSchema));
        string? name = null, id = null;
        var arguments = new StringBuilder();
        ChatFinishReason? finish = null;

        await foreach (var update in rig.Sdk().CompleteChatStreamingAsync([new UserChatMessage("Call get_weather for me")], options, Token))
        {
            foreach (var tool in update.ToolCallUpdates)
            {
                name ??= tool.FunctionName;
                id ??= tool.ToolCallId;
                arguments.Append(tool.FunctionArgumentsUpdate?.ToString());
            }

            finish ??= update.FinishReason;
        }

        Assert.Equal("get_weather", name);
        Assert.False(string.IsNullOrEmpty(id));
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        using var parsed = JsonDocument.Parse(arguments.ToString());
        Assert.Equal("Paris", parsed.RootElement.GetProperty("city").GetString());
    }

    [Fact]
    public async Task Structured_output_json_schema_and_json_object()
    {
        await using var rig = await GatewayRig.StartAsync(fixture.Host);
        var client = rig.Sdk();

        ChatCompletion jsonObject = await client.CompleteChatAsync([new UserChatMessage("Answer in JSON")], new ChatCompletionOptions { ResponseFormat = ChatResponseFormat.CreateJsonObjectFormat() }, Token);
        using (var parsed = JsonDocument.Parse(jsonObject.Content[0].Text))
        {
            Assert.Equal(JsonValueKind.Object, parsed.RootElement.ValueKind);
        }

        var schema = BinaryData.FromString("""{"type":"object","properties":{"answer":{"type":"string"},"confidence":{"type":"number"}},"required":["answer","confidence"]}""");
        ChatCompletion structured = await client.CompleteChatAsync([new UserChatMessage("Structured")], new ChatCompletionOptions { ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("result", schema) }, Token);
        using var result = JsonDocument.Parse(structured.Content[0].Text);
        Assert.True(result.RootElement.TryGetProperty("confidence", out _));
        Assert.True(result.RootElement.TryGetProperty("answer", out _));
    }

    [Fact]
    public async Task Images_as_data_urls_reach_the_provider()
    {
        await using var rig = await GatewayRig.StartAsync(fixture.Host);
        var png = BinaryData.FromBytes(Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="));

        ChatCompletion completion = await rig.Sdk().CompleteChatAsync([new UserChatMessage(ChatMessageContentPart.CreateTextPart("Describe"), ChatMessageContentPart.CreateImagePart(png, "image/png"))], cancellationToken: Token);

        Assert.StartsWith("Hello from openai.", completion.Content[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_reach_the_sdk_as_its_own_exception_with_the_right_status()
    {
        await using var rig = await GatewayRig.StartAsync(fixture.Host);

        var wrongKey = await Assert.ThrowsAsync<ClientResultException>(() => rig.Sdk(key: "not-a-gateway-key").CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: Token));
        Assert.Equal(401, wrongKey.Status);

        var unknownModel = await Assert.ThrowsAsync<ClientResultException>(() => rig.Sdk("no-such-route").CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: Token));
        Assert.Equal(404, unknownModel.Status);
        Assert.Contains("no-such-route", unknownModel.Message, StringComparison.Ordinal);

        var outOfRange = await Assert.ThrowsAsync<ClientResultException>(() => rig.Sdk().CompleteChatAsync([new UserChatMessage("Hi")], new ChatCompletionOptions { Temperature = 3f }, Token));
        Assert.Equal(400, outOfRange.Status);
        Assert.Contains("temperature", outOfRange.Message, StringComparison.Ordinal);

        fixture.Host["openai"].Faults.FailAlways(Fault.Status(500));
        fixture.Host["anthropic"].Faults.FailAlways(Fault.Status(500));
        var allFailed = await Assert.ThrowsAsync<ClientResultException>(() => rig.Sdk().CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: Token));
        Assert.Equal(502, allFailed.Status);
        Assert.Contains("openai", allFailed.Message, StringComparison.Ordinal);
        Assert.Contains("anthropic", allFailed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_route_alias_uses_only_its_providers_and_models_lists_routes()
    {
        await using var rig = await GatewayRig.StartAsync(fixture.Host);

        var result = await rig.Sdk("cheap").CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: Token);
        var byModel = await rig.Sdk("claude-sonnet-4-5").CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: Token);
        var models = new OpenAI.OpenAIClient(new ApiKeyCredential(GatewayRig.Key), new OpenAI.OpenAIClientOptions { Endpoint = new Uri(rig.Host.Url, "v1") }).GetOpenAIModelClient();
        var list = (await models.GetModelsAsync(Token)).Value.Select(m => m.Id).ToList();

        Assert.True(result.GetRawResponse().Headers.TryGetValue("x-flexiai-provider", out var provider));
        Assert.Equal("anthropic", provider);
        Assert.True(byModel.GetRawResponse().Headers.TryGetValue("x-flexiai-provider", out var byModelProvider));
        Assert.Equal("anthropic", byModelProvider);
        Assert.Equal(["default", "cheap", "gpt-4.1-mini", "claude-sonnet-4-5"], list);
    }
}
