using System.ComponentModel;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FlexiAI.Tests.EndToEnd;

/// <summary>Tool calls streamed through FlexiAIClient for every provider, over real HTTP to the emulator (which streams them like each API).</summary>
public sealed class StreamedToolCallTests(EmulatedProvidersFixture fixture) : IClassFixture<EmulatedProvidersFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string> Providers => new("openai", "vertexai", "anthropic");

    [Description("Gets the weather in a city.")]
    private static string GetWeather([Description("The city")] string city, [Description("Days ahead")] int days) => $"sunny in {city} for {days} day(s)";

    [Description("Gets the local time in a city.")]
    private static string GetTime([Description("The city")] string city) => $"12:00 in {city}";

    private static ChatOptions Tools() => new()
    {
        Tools = [AIFunctionFactory.Create(GetWeather, "get_weather"), AIFunctionFactory.Create(GetTime, "get_time")],
    };

    private static List<FunctionCallContent> Calls(IEnumerable<ChatMessage> messages) => [.. messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>()];

    private static readonly JsonSerializerOptions Compact = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    private static string Args(FunctionCallContent call) => JsonSerializer.Serialize(call.Arguments, Compact);

    private static string IdOf(string kind, long sequence, int index)
    {
        var prefix = kind switch { "anthropic" => "toolu_emu", "openai" => "call_emu", _ => null };
        return prefix is null ? string.Empty : index == 0 ? $"{prefix}{sequence:D6}" : $"{prefix}{sequence:D6}_{index}";
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_streamed_tool_call_assembles_to_the_same_call_as_non_streaming(string kind)
    {
        using var client = EmulatedProvidersFixture.Client(fixture.Options(kind));
        const string Prompt = "What will get_weather say?";

        var whole = Assert.Single(Calls((await client.GetResponseAsync(Prompt, Tools(), Token)).Messages));
        var updates = await client.GetStreamingResponseAsync(Prompt, Tools(), Token).ToListAsync(Token);
        var streamed = updates.ToChatResponse();

        var call = Assert.Single(Calls(streamed.Messages));
        Assert.Equal(whole.Name, call.Name);
        Assert.Equal(Args(whole), Args(call));
        Assert.Equal("""{"city":"Paris","days":1}""", Args(call));
        Assert.Equal(ChatFinishReason.ToolCalls, streamed.FinishReason);
        Assert.Equal(kind, streamed.GetRoute().Provider);
        if (kind == "vertexai")
        {
            Assert.Equal(whole.CallId, call.CallId);
        }
        else
        {
            // The ids are the provider's, each request's own (the emulator numbers its replies).
            Assert.StartsWith(kind == "openai" ? "call_emu" : "toolu_emu", call.CallId, StringComparison.Ordinal);
            Assert.NotEqual(whole.CallId, call.CallId);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Parallel_streamed_tool_calls_keep_their_ids_and_order(string kind)
    {
        using var client = EmulatedProvidersFixture.Client(fixture.Options(kind));
        const string Prompt = "Call get_time and then get_weather for Paris.";

        var whole = Calls((await client.GetResponseAsync(Prompt, Tools(), Token)).Messages);
        var streamed = Calls((await client.GetStreamingResponseAsync(Prompt, Tools(), Token).ToListAsync(Token)).ToChatResponse().Messages);

        Assert.Equal(["get_time", "get_weather"], streamed.Select(c => c.Name));
        Assert.Equal(whole.Select(c => c.Name), streamed.Select(c => c.Name));
        Assert.Equal(whole.Select(Args), streamed.Select(Args));
        Assert.Equal(2, streamed.Select(c => c.CallId).Distinct().Count());
        if (kind == "vertexai")
        {
            Assert.Equal(["get_time-0", "get_weather-1"], streamed.Select(c => c.CallId));
        }
        else
        {
            var sequence = long.Parse(streamed[0].CallId.AsSpan(streamed[0].CallId.IndexOf("emu", StringComparison.Ordinal) + 3), System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal([IdOf(kind, sequence, 0), IdOf(kind, sequence, 1)], streamed.Select(c => c.CallId));
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Function_invoking_client_on_top_completes_a_streamed_round_trip(string kind)
    {
        using var flexi = EmulatedProvidersFixture.Client(fixture.Options(kind));
        using var client = new FunctionInvokingChatClient(flexi);

        var updates = await client.GetStreamingResponseAsync("Call get_time and get_weather for Paris.", Tools(), Token).ToListAsync(Token);
        var response = updates.ToChatResponse();

        var results = response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().ToList();
        Assert.Equal(2, results.Count);
        Assert.Equal(Calls(response.Messages).Select(c => c.CallId), results.Select(r => r.CallId));
        Assert.Contains("The get_weather tool returned", response.Text, StringComparison.Ordinal);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);

        // Two requests on the wire: the tool calls, then the results (both in the second request, with their call ids).
        var journal = fixture.Host[kind].Journal;
        Assert.Equal(2, journal.Count);
        var second = journal.Last!.Json()!.ToJsonString();
        foreach (var result in results.Where(_ => kind != "vertexai"))
        {
            Assert.Contains(result.CallId, second, StringComparison.Ordinal);
        }
    }
}
