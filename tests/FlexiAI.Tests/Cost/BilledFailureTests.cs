using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using static FlexiAI.Tests.Cost.CostTestSupport;

namespace FlexiAI.Tests.Cost;

public sealed class BilledFailureTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_stream_cut_after_its_provider_reported_usage_is_billed_as_a_failed_attempt()
    {
        // gpt-5.4-nano: 1,000 input × 0.2 + 300 output × 1.25 = 575 micro-dollars, billed though the stream failed.
        using var client = Client(Options(Provider("a", "openai", "gpt-5.4-nano", new CutStreamClient(Usage(1_000, 300)), 1)));

        var error = await Assert.ThrowsAsync<StreamInterruptedException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync("hi", cancellationToken: Token))
            {
            }
        });

        Assert.Equal(0.000575m, error.Route!.Cost!.FailedAttempts);
        Assert.Equal(0.000575m, error.Route.Cost.Total);
        Assert.Equal(0.000575m, client.GetCostReport().ByProvider["a"]);
    }

    /// <summary>Streams some text and its usage, then the connection fails (a 503 mid-stream).</summary>
    private sealed class CutStreamClient(UsageDetails usage) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, "partial answer");
            yield return new ChatResponseUpdate { Contents = [new UsageContent(usage)] };
            throw new HttpRequestException("stream cut", null, HttpStatusCode.ServiceUnavailable);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
