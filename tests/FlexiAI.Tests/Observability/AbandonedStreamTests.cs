using System.Diagnostics;
using FlexiAI.Tests.EndToEnd;
using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.AI;

namespace FlexiAI.Tests.Observability;

/// <summary>
/// A stream the caller stops reading (disposes the enumerator early) or cancels ends both spans and is counted exactly once:
/// outcome <c>abandoned</c>, or <c>cancelled</c> when the caller's token was cancelled.
/// </summary>
public sealed class AbandonedStreamTests(EmulatedProvidersFixture fixture) : IClassFixture<EmulatedProvidersFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_stream_left_after_two_chunks_ends_both_spans_and_counts_once_as_abandoned()
    {
        using var client = EmulatedProvidersFixture.Client(fixture.Options("openai", "anthropic"));
        using var spans = new SpanCollector(client.Instruments.Source);
        using var metrics = new MeterCollector(client.Instruments.Meter);

        var read = 0;
        await foreach (var update in client.GetStreamingResponseAsync("Tell me a long story, please.", cancellationToken: Token))
        {
            Assert.Null(update.TryGetRoute()); // still streaming
            if (++read == 2)
            {
                break;
            }
        }

        var request = Assert.Single(spans.Stopped, a => a.DisplayName.StartsWith("chat", StringComparison.Ordinal));
        Assert.Equal("abandoned", request.GetTagItem("flexiai.outcome"));
        Assert.Equal("openai", request.GetTagItem("flexiai.provider"));
        Assert.Equal(ActivityStatusCode.Unset, request.Status);
        var attempt = Assert.Single(spans.Stopped, a => a.ParentSpanId == request.SpanId);
        Assert.Equal("abandoned", attempt.GetTagItem("flexiai.outcome"));

        Assert.Equal(1, metrics.Count("flexiai.requests"));
        Assert.Equal(1, metrics.Sum("flexiai.requests", ("flexiai.outcome", "abandoned"), ("flexiai.provider", "openai")));
        Assert.Equal(1, metrics.Count("flexiai.attempts"));
        Assert.Equal(1, metrics.Sum("flexiai.attempts", ("flexiai.outcome", "abandoned"), ("flexiai.provider", "openai")));
        Assert.Equal(0, metrics.Count("gen_ai.client.operation.duration"));

        var snapshot = client.GetMetrics();
        Assert.Equal((1, 1, 0, 0, 0), (snapshot.Requests, snapshot.Abandoned, snapshot.Succeeded, snapshot.Failed, snapshot.Cancelled));
        var openai = snapshot.Providers[0];
        Assert.Equal((1, 1, 0, 0, 0), (openai.Requests, openai.Abandoned, openai.Successes, openai.Failures, openai.Cancelled));
        Assert.Equal(0, snapshot.Providers[1].Requests);
        Assert.Contains("\"abandoned\": 1", snapshot.ToJson(), StringComparison.Ordinal);

        // The abandoned stream's half-open-probe-safe release left the breaker untouched, and the next request is counted normally.
        await client.GetResponseAsync("again", cancellationToken: Token);
        Assert.Equal((2, 1, 1), (client.GetMetrics().Requests, client.GetMetrics().Abandoned, client.GetMetrics().Succeeded));
    }

    [Fact]
    public async Task A_stream_cancelled_then_left_counts_once_as_cancelled()
    {
        var provider = FakeChatClient.Answering("p");
        provider.StreamChunks = ["a", "b", "c", "d"];
        using var client = TestClients.Create(TestClients.Options(provider));
        using var spans = new SpanCollector(client.Instruments.Source);
        using var metrics = new MeterCollector(client.Instruments.Meter);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Token);

        var read = 0;
        await foreach (var _ in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], null, cts.Token))
        {
            if (++read == 2)
            {
                await cts.CancelAsync();
                break;
            }
        }

        var request = Assert.Single(spans.Stopped, a => a.DisplayName.StartsWith("chat", StringComparison.Ordinal));
        Assert.Equal("cancelled", request.GetTagItem("flexiai.outcome"));
        Assert.Equal("cancelled", Assert.Single(spans.Stopped, a => a.ParentSpanId == request.SpanId).GetTagItem("flexiai.outcome"));
        Assert.Equal(1, metrics.Count("flexiai.requests"));
        Assert.Equal(1, metrics.Sum("flexiai.requests", ("flexiai.outcome", "cancelled")));
        var snapshot = client.GetMetrics();
        Assert.Equal((1, 1, 0), (snapshot.Requests, snapshot.Cancelled, snapshot.Abandoned));
        Assert.Equal((1, 1), (snapshot.Providers[0].Requests, snapshot.Providers[0].Cancelled));
    }

    [Fact]
    public async Task A_stream_cancelled_while_read_counts_once_as_cancelled()
    {
        var provider = FakeChatClient.Answering("p");
        provider.StreamChunks = ["a", "b", "c", "d"];
        using var client = TestClients.Create(TestClients.Options(provider));
        using var spans = new SpanCollector(client.Instruments.Source);
        using var metrics = new MeterCollector(client.Instruments.Meter);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Token);

        var read = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], null, cts.Token))
            {
                if (++read == 2)
                {
                    await cts.CancelAsync(); // and read on: the provider's stream sees the cancellation
                }
            }
        });

        var request = Assert.Single(spans.Stopped, a => a.DisplayName.StartsWith("chat", StringComparison.Ordinal));
        Assert.Equal("cancelled", request.GetTagItem("flexiai.outcome"));
        Assert.Single(spans.Stopped, a => a.ParentSpanId == request.SpanId);
        Assert.Equal(1, metrics.Count("flexiai.requests"));
        Assert.Equal(1, metrics.Sum("flexiai.requests", ("flexiai.outcome", "cancelled")));
        Assert.Equal(1, metrics.Count("flexiai.attempts"));
        var snapshot = client.GetMetrics();
        Assert.Equal((1, 1, 0), (snapshot.Requests, snapshot.Cancelled, snapshot.Abandoned));
    }

    [Fact]
    public async Task Span_names_are_reused_and_the_correlation_id_is_the_request_spans_trace_id()
    {
        using var client = TestClients.Create(TestClients.Options(FakeChatClient.Answering("p").ThenAnswer().ThenAnswer()));
        using var spans = new SpanCollector(client.Instruments.Source);

        var first = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], null, Token);
        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], null, Token);
        var given = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { AdditionalProperties = new() { [FlexiAIClient.CorrelationIdKey] = "mine-42" } }, Token);

        var requests = spans.Stopped.Where(a => a.Kind == ActivityKind.Client).ToList();
        Assert.Equal(3, requests.Count);
        Assert.Same(requests[0].DisplayName, requests[1].DisplayName); // cached, not built per request
        var attempts = spans.Stopped.Where(a => a.Kind == ActivityKind.Internal).ToList();
        Assert.Same(attempts[0].DisplayName, attempts[1].DisplayName);

        // No caller id and no ambient activity: the correlation id is the request span's trace id, so no separate tag.
        Assert.Equal(requests[0].TraceId.ToHexString(), first.GetRoute()!.CorrelationId);
        Assert.Null(requests[0].GetTagItem("flexiai.correlation_id"));
        Assert.Equal("mine-42", given.GetRoute()!.CorrelationId);
        Assert.Equal("mine-42", requests[2].GetTagItem("flexiai.correlation_id"));
    }
}
