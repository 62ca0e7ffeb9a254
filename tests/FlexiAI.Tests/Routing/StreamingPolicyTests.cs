using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace FlexiAI.Tests.Routing;

public class StreamingPolicyTests
{
    private static readonly ChatMessage[] Conversation = [new(ChatRole.System, "You are terse."), new(ChatRole.User, "Count")];

    private static async Task<(string Text, RouteReport? Route)> Consume(IAsyncEnumerable<ChatResponseUpdate> stream, List<string>? seen = null)
    {
        var text = "";
        RouteReport? route = null;
        await foreach (var update in stream)
        {
            text += update.Text;
            seen?.Add(update.Text);
            route = update.TryGetRoute() ?? route;
        }

        return (text, route);
    }

    [Fact]
    public async Task FirstTokenTimeout_StallBeforeFirstUpdate_FailsOverInvisibly()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var a = new FakeChatClient("a").ThenHang();
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.Streaming.FirstTokenTimeout = TimeSpan.FromSeconds(3);
        using var client = TestClients.Create(options, time);

        var pending = Consume(client.GetStreamingResponseAsync(Conversation));
        await TestClients.Until(() => a.Calls == 1);
        time.Advance(TimeSpan.FromSeconds(3));
        var (text, route) = await pending;

        Assert.Equal("Hello", text);
        Assert.Equal("b", route!.Provider);
        Assert.Equal(ErrorCategory.Timeout, route.Attempts[0].Category);
    }

    [Fact]
    public async Task IdleTimeout_StallAfterText_FailPolicyThrowsWithPartialText()
    {
        var time = new FakeTimeProvider(TestClients.Start);
        var a = FakeChatClient.Answering("a");
        a.StreamChunks = ["one ", "two ", "three"];
        a.StallAt = 2;
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.Streaming.IdleTimeout = TimeSpan.FromSeconds(5);
        using var client = TestClients.Create(options, time);
        var seen = new List<string>();

        var pending = Consume(client.GetStreamingResponseAsync(Conversation), seen);
        await TestClients.Until(() => seen.Count == 2);
        time.Advance(TimeSpan.FromSeconds(5));
        var error = await Assert.ThrowsAsync<StreamInterruptedException>(() => pending);

        Assert.Equal("one two ", error.PartialText);
        Assert.Equal(ErrorCategory.Timeout, error.Category);
        Assert.Contains("idle timeout", error.Message, StringComparison.Ordinal);
        Assert.Equal(AttemptOutcome.Interrupted, error.Route!.Attempts[^1].Outcome);
        Assert.Equal(0, b.Calls);
    }

    [Fact]
    public async Task Truncated_StreamEndsWithoutFinishReason_IsAFailureNotASuccess()
    {
        var a = FakeChatClient.Answering("a");
        a.EndWithFinishReason = false;
        var options = TestClients.Options(a);
        options.CircuitBreaker.FailureThreshold = 1;
        using var client = TestClients.Create(options);

        var error = await Assert.ThrowsAsync<StreamInterruptedException>(() => Consume(client.GetStreamingResponseAsync(Conversation)));

        Assert.Equal("Hello", error.PartialText);
        Assert.Equal(ErrorCategory.Network, error.Category);
        Assert.Contains("terminal event", error.Message, StringComparison.Ordinal);
        Assert.Equal(CircuitState.Open, client.GetProviderStatus()[0].State);
    }

    [Fact]
    public async Task Truncated_RequireFinishReasonOff_AcceptsTheStream()
    {
        var a = FakeChatClient.Answering("a");
        a.EndWithFinishReason = false;
        var options = TestClients.Options(a);
        options.Streaming.RequireFinishReason = false;
        using var client = TestClients.Create(options);

        var (text, route) = await Consume(client.GetStreamingResponseAsync(Conversation));
        Assert.Equal("Hello", text);
        Assert.Equal("a", route!.Provider);
    }

    [Fact]
    public async Task Continue_MidStreamFailure_NextProviderContinuesWithoutGapOrDuplicate()
    {
        var a = FakeChatClient.Answering("a");
        a.StreamChunks = ["one ", "two ", "three"];
        a.StreamFailure = (i, _) => i == 2 ? new IOException("reset") : null;
        var b = FakeChatClient.Answering("b");
        b.StreamChunks = ["three ", "four"];
        var options = TestClients.Options(a, b);
        options.Streaming.MidStreamPolicy = MidStreamPolicy.Continue;
        using var client = TestClients.Create(options);

        var (text, route) = await Consume(client.GetStreamingResponseAsync(Conversation));

        Assert.Equal("one two " + "three four", text);
        var sent = b.StreamRequests.Single();
        Assert.Equal(ChatRole.System, sent[0].Role);
        Assert.Equal("You are terse.", sent[0].Text);
        Assert.Equal("Count", sent[1].Text);
        Assert.Equal(ChatRole.Assistant, sent[2].Role);
        Assert.Equal("one two ", sent[2].Text);
        Assert.Equal(ChatRole.User, sent[3].Role);
        Assert.Equal(StreamingOptions.DefaultContinuationPrompt, sent[3].Text);
        Assert.Equal("b", route!.Provider);
        Assert.Equal([AttemptOutcome.Interrupted, AttemptOutcome.Succeeded], route.Attempts.Select(x => x.Outcome));
        Assert.Equal(8, route.Attempts[1].ContinuedAt);
        Assert.Contains("continued@8", route.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Continue_AfterAToolCall_IsNeverAttempted()
    {
        var a = FakeChatClient.Answering("a");
        a.StreamChunks = ["Let me check. ", "", "more"];
        a.ExtraContent[1] = new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" });
        a.StreamFailure = (i, _) => i == 2 ? new IOException("reset") : null;
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.Streaming.MidStreamPolicy = MidStreamPolicy.Continue;
        using var client = TestClients.Create(options);

        var error = await Assert.ThrowsAsync<StreamInterruptedException>(() => Consume(client.GetStreamingResponseAsync(Conversation)));

        Assert.Contains("tool call", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, b.Calls);
    }

    [Fact]
    public async Task Continue_NoProviderLeft_ThrowsInterruptedWithPartialText()
    {
        var a = FakeChatClient.Answering("a");
        a.StreamChunks = ["one ", "two"];
        a.StreamFailure = (i, _) => i == 1 ? new IOException("reset") : null;
        var b = FakeChatClient.Failing("b", 503);
        var options = TestClients.Options(a, b);
        options.Streaming.MidStreamPolicy = MidStreamPolicy.Continue;
        using var client = TestClients.Create(options);

        var error = await Assert.ThrowsAsync<StreamInterruptedException>(() => Consume(client.GetStreamingResponseAsync(Conversation)));

        Assert.Equal("one ", error.PartialText);
        Assert.Equal(1, b.Calls);
    }

    [Fact]
    public async Task Usage_FromUpdates_IsOnTheRoute()
    {
        var a = FakeChatClient.Answering("a");
        a.ExtraContent[1] = new UsageContent(new UsageDetails { InputTokenCount = 5, OutputTokenCount = 2, TotalTokenCount = 7 });
        using var client = TestClients.Create(TestClients.Options(a));

        var (_, route) = await Consume(client.GetStreamingResponseAsync(Conversation));

        Assert.Equal(7, route!.Usage!.TotalTokenCount);
    }
}
