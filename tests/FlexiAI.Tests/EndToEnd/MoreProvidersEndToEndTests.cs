using System.ComponentModel;
using System.Text;
using System.Text.Json;
using FlexiAI.Emulator;
using Microsoft.Extensions.AI;

namespace FlexiAI.Tests.EndToEnd;

/// <summary>
/// The added provider types (azure_openai in both API modes, openai_compatible, ollama, gemini) through FlexiAIClient over real HTTP
/// to the emulator: answers, streams, tools, structured output, and failover in both directions with OpenAI.
/// </summary>
public sealed class MoreProvidersEndToEndTests(MoreProvidersFixture fixture) : IClassFixture<MoreProvidersFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string> Kinds => new(MoreProvidersFixture.Kinds);

    private static string Expected(string kind, string said) =>
        $"Hello from {MoreProvidersFixture.Instance(kind)}. You said: \"{said}\". This is a deterministic reply from the FlexiAI emulator.";

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Answers_with_text_usage_finish_reason_and_route(string kind)
    {
        using var client = MoreProvidersFixture.Client(fixture.Options(kind));

        var response = await client.GetResponseAsync("What is failover?", cancellationToken: Token);

        Assert.Equal(Expected(kind, "What is failover?"), response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.True(response.Usage!.InputTokenCount > 0);
        Assert.True(response.Usage.OutputTokenCount > 0);
        Assert.Equal(kind, response.GetRoute().Provider);
        Assert.Equal(1, fixture.Host[MoreProvidersFixture.Instance(kind)].Journal.Count);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Streams_the_whole_text_with_its_finish_reason(string kind)
    {
        using var client = MoreProvidersFixture.Client(fixture.Options(kind));
        var text = new StringBuilder();
        var updates = 0;
        ChatFinishReason? finish = null;

        await foreach (var update in client.GetStreamingResponseAsync("Stream please", cancellationToken: Token))
        {
            text.Append(update.Text);
            finish ??= update.FinishReason;
            updates++;
        }

        Assert.Equal(Expected(kind, "Stream please"), text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.True(updates > 3, $"expected several updates, got {updates}");
    }

    [Description("Weather for a city")]
    private static string GetWeather(string city) => $"21 degrees and sunny in {city}";

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Tool_round_trip_with_function_invocation_on_top(string kind)
    {
        using var flexi = MoreProvidersFixture.Client(fixture.Options(kind));
        using var client = new ChatClientBuilder(flexi).UseFunctionInvocation().Build();
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create(GetWeather, "get_weather")] };

        var response = await client.GetResponseAsync("What is the weather? Use get_weather.", options, Token);

        Assert.Contains("The get_weather tool returned", response.Text, StringComparison.Ordinal);
        Assert.Contains("21 degrees and sunny", response.Text, StringComparison.Ordinal);
        Assert.Equal(2, fixture.Host[MoreProvidersFixture.Instance(kind)].Journal.Count);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Structured_output_follows_the_json_schema(string kind)
    {
        using var client = MoreProvidersFixture.Client(fixture.Options(kind));
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"},"degrees":{"type":"integer"}},"required":["city","degrees"]}""").RootElement;
        var options = new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "weather") };

        var response = await client.GetResponseAsync("Weather in Paris as JSON", options, Token);

        using var document = JsonDocument.Parse(response.Text);
        Assert.True(document.RootElement.TryGetProperty("city", out _), response.Text);
        Assert.True(document.RootElement.TryGetProperty("degrees", out _), response.Text);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Fails_over_to_openai_when_the_new_type_is_down(string kind)
    {
        using var client = MoreProvidersFixture.Client(fixture.Options(kind, "openai"));
        var instance = fixture.Host[MoreProvidersFixture.Instance(kind)];
        instance.Faults.FailAlways(Fault.Status(503));

        var response = await client.GetResponseAsync("Hi", cancellationToken: Token);

        var route = response.GetRoute();
        Assert.Equal("openai", route.Provider);
        Assert.Equal((kind, ErrorCategory.Overloaded), (route.Attempts[0].Provider, route.Attempts[0].Category!.Value));
        Assert.Equal((1, 1), (instance.Journal.Count, fixture.Host["openai"].Journal.Count));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Takes_over_from_openai_when_openai_is_down_streaming_included(string kind)
    {
        using var client = MoreProvidersFixture.Client(fixture.Options("openai", kind));
        fixture.Host["openai"].Faults.FailAlways(Fault.Status(500));

        var response = await client.GetResponseAsync("Hi", cancellationToken: Token);
        var text = new StringBuilder();
        await foreach (var update in client.GetStreamingResponseAsync("Hi again", cancellationToken: Token))
        {
            text.Append(update.Text);
        }

        Assert.Equal(kind, response.GetRoute().Provider);
        Assert.Equal(Expected(kind, "Hi again"), text.ToString());
        Assert.Equal((2, 2), (fixture.Host["openai"].Journal.Count, fixture.Host[MoreProvidersFixture.Instance(kind)].Journal.Count));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_stream_cut_before_its_end_is_a_failure_not_a_short_answer(string kind)
    {
        using var client = MoreProvidersFixture.Client(fixture.Options(kind, "openai"));
        fixture.Host[MoreProvidersFixture.Instance(kind)].Faults.FailNext(1, Fault.Truncate(afterChunks: 0));

        var text = new StringBuilder();
        await foreach (var update in client.GetStreamingResponseAsync("Hi", cancellationToken: Token))
        {
            text.Append(update.Text);
        }

        Assert.Equal("Hello from openai. You said: \"Hi\". This is a deterministic reply from the FlexiAI emulator.", text.ToString());
    }
}
