using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace FlexiAI.Tests.Providers;

public sealed class ModelInfoAndRequestRulesTests
{
    [Theory]
    [InlineData("openai", "gpt-5.4-mini", 400_000, 128_000)]
    [InlineData("openai", "gpt-5.4", 1_050_000, 128_000)]
    [InlineData("openai", "gpt-4.1-mini", 1_000_000, 32_768)] // context window from the shipped pricing table (genai-prices)
    [InlineData("openai", "gpt-4o", 128_000, 16_384)]
    [InlineData("anthropic", "claude-sonnet-5-5", 1_000_000, 128_000)]
    [InlineData("anthropic", "claude-opus-4-5-20251101", 200_000, 64_000)]
    [InlineData("anthropic", "claude-sonnet-4-5", 200_000, 64_000)] // the pricing table: the 1M beta was retired
    [InlineData("anthropic", "claude-3-5-haiku-latest", 200_000, 8_192)]
    [InlineData("vertexai", "gemini-3.5-flash", 1_000_000, 65_536)]
    [InlineData("vertexai", "gemini-2.0-flash", 1_000_000, 8_192)]
    [InlineData("vertexai", "gemini-2.5-pro", 1_048_576, 65_536)]
    public void Known_models_are_described_by_their_providers_adapter(string type, string model, int context, int maxOutput)
    {
        var options = new FlexiAIOptions();
        options.Providers.Add(new ProviderOptions { Name = "p", Type = type, Model = model, ChatClient = new FakeChatClient("p") });
        using var client = new FlexiAIClient(options);

        var info = client.GetModelInfo("p");

        Assert.Equal((model, context, maxOutput, true, true, true), (info.Model, info.ContextWindow, info.MaxOutputTokens, info.SupportsTools, info.SupportsStreaming, info.SupportsJsonOutput));
    }

    [Theory]
    [InlineData("openai", "gpt-9.9-unknown")]
    [InlineData("openai", "claude-sonnet-5-5")]
    [InlineData("anthropic", "gpt-5.4-mini")]
    [InlineData("vertexai", "gemini-3.9-flash")]
    public void A_model_outside_its_providers_known_families_has_no_limits(string type, string model)
    {
        var info = ProviderFactory.BuiltIn.Single(f => f.Type == type).DescribeModel(model);

        Assert.Equal((model, null, null, null), (info.Model, info.ContextWindow, info.MaxOutputTokens, info.RetiresOn));
    }

    [Fact]
    public void Unknown_models_have_no_limits_and_unknown_providers_are_named()
    {
        var options = new FlexiAIOptions();
        options.Providers.Add(new ProviderOptions { Name = "local", Model = "llama3", ChatClient = new FakeChatClient("local") });
        using var client = new FlexiAIClient(options);

        var info = client.GetModelInfo("local");

        Assert.Null(info.ContextWindow);
        Assert.Null(info.MaxOutputTokens);
        var error = Assert.Throws<ArgumentException>(() => client.GetModelInfo("nope"));
        Assert.Contains("Known providers: local", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TopP", 1.5)]
    [InlineData("TopK", 0)]
    [InlineData("MaxOutputTokens", 0)]
    [InlineData("FrequencyPenalty", 3)]
    [InlineData("PresencePenalty", -3)]
    public async Task Out_of_range_options_are_refused_before_any_call(string name, double value)
    {
        var fake = new FakeChatClient("p").ThenAnswer("x");
        using var client = TestClients.Create(TestClients.Options(fake));
        var options = new ChatOptions();
        switch (name)
        {
            case "TopP": options.TopP = (float)value; break;
            case "TopK": options.TopK = (int)value; break;
            case "MaxOutputTokens": options.MaxOutputTokens = (int)value; break;
            case "FrequencyPenalty": options.FrequencyPenalty = (float)value; break;
            default: options.PresencePenalty = (float)value; break;
        }

        var error = await Assert.ThrowsAsync<RequestValidationException>(() => client.GetResponseAsync("hi", options));

        Assert.Equal($"options.{name}", error.Parameter);
        Assert.Equal(0, fake.Calls);
    }

    [Fact]
    public async Task Empty_stop_sequences_and_null_messages_are_refused()
    {
        var fake = new FakeChatClient("p").ThenAnswer("x");
        using var client = TestClients.Create(TestClients.Options(fake));

        var stop = await Assert.ThrowsAsync<RequestValidationException>(() => client.GetResponseAsync("hi", new ChatOptions { StopSequences = ["END", ""] }));
        var nullMessage = await Assert.ThrowsAsync<RequestValidationException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "a"), null!]));

        Assert.Equal("options.StopSequences[1]", stop.Parameter);
        Assert.Equal("messages[1]", nullMessage.Parameter);
        Assert.Equal(0, fake.Calls);
    }

    [Fact]
    public async Task A_log_file_and_a_logger_factory_both_receive_the_lines()
    {
        var file = Path.Combine(Path.GetTempPath(), $"flexiai-{Guid.NewGuid():N}.log");
        var capture = new CapturingLoggerProvider();
        using (var factory = LoggerFactory.Create(b => b.AddProvider(capture).SetMinimumLevel(LogLevel.Trace)))
        {
            var options = TestClients.Options(new FakeChatClient("a").ThenFail(503), new FakeChatClient("b").ThenAnswer("ok"));
            options.Logging.File = file;
            options.Logging.Level = LogLevel.Debug;
            using var client = TestClients.Create(options, loggerFactory: factory);

            await client.Ask();
        }

        var lines = await File.ReadAllLinesAsync(file);
        Assert.NotEmpty(lines);
        Assert.NotEmpty(capture.Lines);
    }
}
