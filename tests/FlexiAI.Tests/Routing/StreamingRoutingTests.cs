using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.AI;

namespace FlexiAI.Tests.Routing;

public class StreamingRoutingTests
{
    private static async Task<List<ChatResponseUpdate>> Collect(IAsyncEnumerable<ChatResponseUpdate> stream)
    {
        var list = new List<ChatResponseUpdate>();
        await foreach (var update in stream)
        {
            list.Add(update);
        }

        return list;
    }

    [Fact]
    public async Task Stream_Healthy_YieldsUpdatesThenRouteOnFinalUpdate()
    {
        var a = FakeChatClient.Answering("a");
        using var client = TestClients.Create(TestClients.Options(a));

        var updates = await Collect(client.GetStreamingResponseAsync("hi"));

        Assert.Equal("Hello", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal("a", updates[^1].GetRoute().Provider);
        Assert.All(updates.Take(updates.Count - 1), u => Assert.Null(u.TryGetRoute()));
    }

    [Fact]
    public async Task Stream_FailsBeforeFirstUpdate_FailoverIsInvisible()
    {
        var a = FakeChatClient.Failing("a", 503);
        var b = FakeChatClient.Answering("b");
        b.StreamChunks = ["from ", "b"];
        using var client = TestClients.Create(TestClients.Options(a, b));

        var updates = await Collect(client.GetStreamingResponseAsync("hi"));

        Assert.Equal("from b", string.Concat(updates.Select(u => u.Text)));
        var route = updates[^1].GetRoute();
        Assert.Equal("b", route.Provider);
        Assert.Equal(ErrorCategory.Overloaded, route.Attempts[0].Category);
    }

    [Fact]
    public async Task Stream_FailsAfterFirstUpdate_SurfacesAndCounts()
    {
        var a = FakeChatClient.Answering("a");
        a.StreamChunks = ["one", "two", "three"];
        a.StreamFailure = (i, _) => i == 2 ? new IOException("connection reset") : null;
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.CircuitBreaker.FailureThreshold = 1;
        using var client = TestClients.Create(options);

        var seen = new List<string>();
        var error = await Assert.ThrowsAnyAsync<FlexiAIException>(async () =>
        {
            await foreach (var u in client.GetStreamingResponseAsync("hi"))
            {
                seen.Add(u.Text);
            }
        });

        Assert.Equal(["one", "two"], seen);
        Assert.Equal(0, b.Calls);
        Assert.Equal(ErrorCategory.Network, error.Route!.Attempts[^1].Category);
        Assert.Equal(CircuitState.Open, client.GetProviderStatus().Single(s => s.Name == "a").State);
    }

    [Fact]
    public async Task Stream_CallerCancelsMidStream_NoFailoverNoCount()
    {
        var a = FakeChatClient.Answering("a");
        a.StreamChunks = ["one", "two", "three"];
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.CircuitBreaker.FailureThreshold = 1;
        using var client = TestClients.Create(options);
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var u in client.GetStreamingResponseAsync("hi", cancellationToken: cts.Token))
            {
                await cts.CancelAsync();
            }
        });

        Assert.Equal(0, b.Calls);
        Assert.Equal(0, client.GetProviderStatus()[0].ConsecutiveFailures);
    }

    [Fact]
    public async Task Stream_EveryProviderFailsBeforeFirstUpdate_ThrowsAllProvidersFailed()
    {
        using var client = TestClients.Create(TestClients.Options(FakeChatClient.Failing("a", 500), FakeChatClient.Failing("b", 502)));
        var error = await Assert.ThrowsAsync<AllProvidersFailedException>(() => Collect(client.GetStreamingResponseAsync("hi")));
        Assert.Equal(2, error.Errors.Count);
    }

    [Fact]
    public async Task Stream_ToChatResponse_CombinesTextAndKeepsRoute()
    {
        using var client = TestClients.Create(TestClients.Options(FakeChatClient.Answering("a")));
        var response = await client.GetStreamingResponseAsync("hi").ToChatResponseAsync();
        Assert.Equal("Hello", response.Text);
    }
}
