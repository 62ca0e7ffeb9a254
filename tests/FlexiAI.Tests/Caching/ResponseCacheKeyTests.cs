using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FlexiAI.Tests.Caching;

/// <summary>The cache key: every option that changes the answer changes it; order and equivalent defaults do not.</summary>
public sealed class ResponseCacheKeyTests
{
    private static readonly ChatMessage[] Messages =
    [
        new(ChatRole.System, "Be brief."),
        new(ChatRole.User, "Weather in Paris?"),
        new(ChatRole.Assistant, [new FunctionCallContent("c1", "weather", new Dictionary<string, object?> { ["city"] = "Paris", ["unit"] = "C" })]),
        new(ChatRole.Tool, [new FunctionResultContent("c1", "sunny")]),
    ];

    private static string Key(IEnumerable<ChatMessage> messages, ChatOptions? options = null) =>
        ResponseCacheKey.Compute(messages, options, "p:") ?? throw new InvalidOperationException("no key");

    private static AIFunction Tool(string name) => AIFunctionFactory.Create((string city) => "sunny", name);

    public static TheoryData<string> Variations() => new(
        "model", "temperature", "top_p", "top_k", "max_tokens", "seed", "stop", "json", "schema", "tools", "tool_mode", "extra", "instructions",
        "frequency", "presence", "text", "role", "call_args", "result", "data", "uri", "reasoning");

    private static (IEnumerable<ChatMessage> Messages, ChatOptions Options) Vary(string what)
    {
        var messages = Messages.ToList();
        var o = new ChatOptions { ModelId = "m" };
        switch (what)
        {
            case "model": o.ModelId = "m2"; break;
            case "temperature": o.Temperature = 0.5f; break;
            case "top_p": o.TopP = 0.9f; break;
            case "top_k": o.TopK = 3; break;
            case "max_tokens": o.MaxOutputTokens = 10; break;
            case "seed": o.Seed = 7; break;
            case "stop": o.StopSequences = ["END"]; break;
            case "json": o.ResponseFormat = ChatResponseFormat.Json; break;
            case "schema": o.ResponseFormat = ChatResponseFormat.ForJsonSchema(JsonDocument.Parse("""{"type":"object"}""").RootElement); break;
            case "tools": o.Tools = [Tool("weather")]; break;
            case "tool_mode": o.Tools = [Tool("weather")]; o.ToolMode = ChatToolMode.RequireAny; break;
            case "extra": o.AdditionalProperties = new() { ["reasoning_effort"] = "high" }; break;
            case "instructions": o.Instructions = "Answer in French."; break;
            case "frequency": o.FrequencyPenalty = 0.1f; break;
            case "presence": o.PresencePenalty = 0.1f; break;
            case "text": messages[1] = new ChatMessage(ChatRole.User, "Weather in Rome?"); break;
            case "role": messages[0] = new ChatMessage(ChatRole.User, "Be brief."); break;
            case "call_args": messages[2] = new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "weather", new Dictionary<string, object?> { ["city"] = "Rome", ["unit"] = "C" })]); break;
            case "result": messages[3] = new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c1", "rainy")]); break;
            case "data": messages.Add(new ChatMessage(ChatRole.User, [new DataContent(new byte[] { 1, 2 }, "image/png")])); break;
            case "uri": messages.Add(new ChatMessage(ChatRole.User, [new UriContent("https://example.com/a.png", "image/png")])); break;
            case "reasoning": o.Reasoning = new ReasoningOptions { Effort = ReasoningEffort.High }; break;
        }

        return (messages, o);
    }

    [Theory]
    [MemberData(nameof(Variations))]
    public void Each_thing_that_changes_the_answer_changes_the_key(string what)
    {
        var baseline = Key(Messages, new ChatOptions { ModelId = "m" });
        var (messages, options) = Vary(what);

        Assert.NotEqual(baseline, Key(messages, options));
    }

    [Fact]
    public void Property_order_tool_order_stop_order_and_text_splits_do_not_change_the_key()
    {
        var a = new ChatOptions
        {
            ResponseFormat = ChatResponseFormat.ForJsonSchema(JsonDocument.Parse("""{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"number"}}}""").RootElement),
            Tools = [Tool("alpha"), Tool("beta")],
            StopSequences = ["x", "y"],
            AdditionalProperties = new() { ["one"] = 1, ["two"] = "2" },
        };
        var b = new ChatOptions
        {
            ResponseFormat = ChatResponseFormat.ForJsonSchema(JsonDocument.Parse("""{"properties":{"b":{"type":"number"},"a":{"type":"string"}},"type":"object"}""").RootElement),
            Tools = [Tool("beta"), Tool("alpha")],
            StopSequences = ["y", "x"],
            AdditionalProperties = new() { ["two"] = "2", ["one"] = 1 },
        };
        ChatMessage[] split = [new(ChatRole.User, [new TextContent("Hel"), new TextContent("lo")])];
        ChatMessage[] whole = [new(ChatRole.User, "Hello")];
        ChatMessage[] argsA = [new(ChatRole.Assistant, [new FunctionCallContent("c", "f", new Dictionary<string, object?> { ["x"] = 1, ["y"] = 2 })])];
        ChatMessage[] argsB = [new(ChatRole.Assistant, [new FunctionCallContent("c", "f", new Dictionary<string, object?> { ["y"] = 2, ["x"] = 1 })])];

        Assert.Equal(Key(Messages, a), Key(Messages, b));
        Assert.Equal(Key(split), Key(whole));
        Assert.Equal(Key(argsA), Key(argsB));
    }

    [Fact]
    public void Equivalent_defaults_and_control_keys_do_not_change_the_key()
    {
        var baseline = Key(Messages);

        Assert.Equal(baseline, Key(Messages, new ChatOptions()));
        Assert.Equal(baseline, Key(Messages, new ChatOptions { ResponseFormat = ChatResponseFormat.Text, AdditionalProperties = [] }));
        Assert.Equal(baseline, Key(Messages, new ChatOptions
        {
            AdditionalProperties = new()
            {
                [FlexiAIClient.CorrelationIdKey] = "abc",
                ["flexiai.tag"] = "team-a",
                [ResponseCacheControl.TtlKey] = "1m",
                [ResponseCacheControl.RefreshKey] = true,
            },
        }));
        Assert.Equal(Key(Messages, new ChatOptions { Tools = [Tool("weather")] }), Key(Messages, new ChatOptions { Tools = [Tool("weather")], ToolMode = ChatToolMode.Auto }));
        Assert.StartsWith("p:", baseline, StringComparison.Ordinal);
    }

    [Fact]
    public void A_very_large_conversation_keys_stably_and_one_changed_character_changes_the_key()
    {
        var big = new string('x', 400_000);
        var changed = big[..^1] + "y";

        var first = Key([new ChatMessage(ChatRole.User, big)]);
        var again = Key([new ChatMessage(ChatRole.User, big)]);
        var other = Key([new ChatMessage(ChatRole.User, changed)]);
        var small = Key([new ChatMessage(ChatRole.User, "x")]);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.NotEqual(first, small);
        Assert.Equal(small, Key([new ChatMessage(ChatRole.User, "x")]));
    }

    [Fact]
    public void Text_runs_and_other_contents_are_framed_so_moving_a_boundary_changes_the_key()
    {
        var split = Key([new ChatMessage(ChatRole.User, "ab"), new ChatMessage(ChatRole.User, "c")]);
        var moved = Key([new ChatMessage(ChatRole.User, "a"), new ChatMessage(ChatRole.User, "bc")]);
        var joined = Key([new ChatMessage(ChatRole.User, "abc")]);
        var author = Key([new ChatMessage(ChatRole.User, "abc") { AuthorName = "u" }]);
        var textThenData = Key([new ChatMessage(ChatRole.User, [new TextContent("a"), new DataContent(new byte[] { 1 }, "image/png"), new TextContent("b")])]);
        var dataThenText = Key([new ChatMessage(ChatRole.User, [new DataContent(new byte[] { 1 }, "image/png"), new TextContent("ab")])]);

        Assert.Equal(4, new[] { split, moved, joined, author }.Distinct().Count());
        Assert.NotEqual(textThenData, dataThenText);
        Assert.Equal(joined, Key(new List<ChatMessage> { new(ChatRole.User, "abc") }.Select(m => m))); // any IEnumerable
    }

    [Fact]
    public void A_remembered_key_is_the_computed_one_and_depends_on_the_prefix()
    {
        var options = new ChatOptions { ModelId = "memo", Temperature = 0 };
        var computed = ResponseCacheKey.Compute(Messages, options, "p:", remember: false);

        Assert.Equal(computed, Key(Messages, options));
        Assert.Equal(computed, Key(Messages, options)); // from the memo
        Assert.Equal(computed, ResponseCacheKey.Compute(Messages, options, "p:", remember: false));
        Assert.StartsWith("q:", ResponseCacheKey.Compute(Messages, options, "q:"), StringComparison.Ordinal);
        Assert.NotEqual(computed![2..], ResponseCacheKey.Compute(Messages, options, "q:")![2..]);
        Assert.NotEqual(computed, Key(Messages, new ChatOptions { ModelId = "memo", Temperature = 0.1f }));
    }

    [Fact]
    public void The_key_memo_stays_bounded_and_keeps_returning_the_computed_keys()
    {
        for (var i = 0; i < KeyMemo.MaxEntries + 500; i++)
        {
            var messages = new[] { new ChatMessage(ChatRole.User, $"memo bound {i}") };
            var key = Key(messages);
            Assert.InRange(KeyMemo.Count, 1, KeyMemo.MaxEntries + 64); // other tests add keys concurrently; a reset may be in flight
            if (i % 97 == 0)
            {
                Assert.Equal(ResponseCacheKey.Compute(messages, null, "p:", remember: false), key);
                Assert.Equal(key, Key(messages));
            }
        }
    }
}
