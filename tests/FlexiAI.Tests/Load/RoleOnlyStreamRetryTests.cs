using System.Net;
using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.AI;

namespace FlexiAI.Tests.Load;

/// <summary>
/// A stream that fails after a first update carrying nothing the caller could see (a role-only update, as OpenAI and
/// Anthropic send first) is decided as a failure before the first update: retried on the same provider while allowed.
/// </summary>
public sealed class RoleOnlyStreamRetryTests
{
    private static readonly ChatMessage[] Conversation = [new(ChatRole.User, "Count")];

    private static FakeChatClient RoleThenFailOnce(string name, int failures = 1)
    {
        var failed = 0;
        var client = FakeChatClient.Answering(name);
        client.StreamChunks = ["", "Hel", "lo"];
        client.StreamFailure = (i, _) => i == 1 && Interlocked.Increment(ref failed) <= failures
            ? new HttpRequestException("HTTP 503", null, HttpStatusCode.ServiceUnavailable)
            : null;
        return client;
    }

    private static async Task<(List<string> Seen, RouteReport Route)> Consume(IAsyncEnumerable<ChatResponseUpdate> stream)
    {
        var seen = new List<string>();
        RouteReport? route = null;
        await foreach (var update in stream)
        {
            seen.Add(update.Text);
            route = update.TryGetRoute() ?? route;
        }

        return (seen, route!);
    }

    [Fact]
    public async Task RoleOnlyFirstUpdate_ThenFailure_RetriesTheSameProviderAndNothingSeenIsDuplicated()
    {
        var a = RoleThenFailOnce("a");
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.Retry.MaxAttempts = 2;
        using var client = TestClients.Create(options);

        var (seen, route) = await Consume(client.GetStreamingResponseAsync(Conversation));

        Assert.Equal("Hello", string.Concat(seen));
        Assert.Equal("a", route.Provider);
        Assert.Equal((2, 0), (a.Calls, b.Calls));
        Assert.Equal(
            [("a", 1, AttemptOutcome.Failed), ("a", 2, AttemptOutcome.Succeeded)],
            route.Attempts.Select(x => (x.Provider, x.AttemptNumber, x.Outcome)));
    }

    [Fact]
    public async Task RoleOnlyFirstUpdate_ThenFailures_FailsOverOnlyAfterTheProvidersAttempts()
    {
        var a = RoleThenFailOnce("a", failures: 5);
        var b = FakeChatClient.Answering("b");
        var options = TestClients.Options(a, b);
        options.Retry.MaxAttempts = 3;
        using var client = TestClients.Create(options);

        var (seen, route) = await Consume(client.GetStreamingResponseAsync(Conversation));

        Assert.Equal("Hello", string.Concat(seen));
        Assert.Equal("b", route.Provider);
        Assert.Equal((3, 1), (a.Calls, b.Calls));
    }

    [Fact]
    public async Task RoleOnlyFirstUpdate_CountPerRequest_TheRetriedFailureDoesNotCount()
    {
        var a = RoleThenFailOnce("a");
        var options = TestClients.Options(a);
        options.Retry.MaxAttempts = 2;
        options.CircuitBreaker.FailureThreshold = 1;
        options.CircuitBreaker.CountPerRequest = true;
        using var client = TestClients.Create(options);

        var (_, route) = await Consume(client.GetStreamingResponseAsync(Conversation));

        Assert.Equal("a", route.Provider);
        Assert.Equal(CircuitState.Closed, client.GetProviderStatus().Single().State);
    }
}
