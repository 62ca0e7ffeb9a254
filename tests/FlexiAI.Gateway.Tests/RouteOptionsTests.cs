using Microsoft.Extensions.AI;

namespace FlexiAI.Gateway.Tests;

/// <summary>A route alias serves its providers with everything configured for them — the same rate limits as the default route.</summary>
public sealed class RouteOptionsTests
{
    [Fact]
    public async Task A_route_alias_keeps_the_providers_rate_limits()
    {
        var options = new FlexiAIOptions();
        options.Providers.Add(new ProviderOptions { Name = "a", Priority = 1, Model = "m-a", ChatClient = new Answering(), RateLimit = new RateLimitOptions { RequestsPerMinute = 1 } });
        options.Providers.Add(new ProviderOptions { Name = "b", Priority = 2, Model = "m-b", ChatClient = new Answering() });
        var settings = new GatewayOptions();
        settings.Keys.Add(new GatewayKeyOptions { Key = GatewayRig.Key });
        settings.Routes["only-a"] = ["a"];
        using var gateway = new FlexiAIGateway(options, settings);
        var route = gateway.FindRoute("only-a")!;
        List<ChatMessage> messages = [new(ChatRole.User, "hi")];

        await route.GetResponseAsync(messages, cancellationToken: TestContext.Current.CancellationToken);
        var refused = await Assert.ThrowsAsync<AllProvidersFailedException>(() => route.GetResponseAsync(messages, cancellationToken: TestContext.Current.CancellationToken));

        Assert.IsType<RateLimitExceededException>(Assert.Single(refused.Errors));
    }

    private sealed class Answering : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")) { FinishReason = ChatFinishReason.Stop });

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
