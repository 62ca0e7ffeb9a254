using Microsoft.Extensions.AI;

namespace FlexiAI.Gateway;

/// <summary>
/// One route's client as the gateway serves it: the <see cref="FlexiAIClient"/> over the route's providers and, when the configuration
/// enables the response cache (<c>cache.enabled</c>), the <see cref="ResponseCachingChatClient"/> in front of it.
/// </summary>
internal sealed class GatewayRoute
{
    public GatewayRoute(string name, FlexiAIClient client, ResponseCachingChatClient? cache)
    {
        Name = name;
        Client = client;
        Cache = cache;
        ChatClient = cache is null ? client : cache;
    }

    /// <summary>Gets the name that created this route's client (the alias, or the model name); other names may share it.</summary>
    public string Name { get; }

    /// <summary>Gets the client over the route's providers.</summary>
    public FlexiAIClient Client { get; }

    /// <summary>Gets the response cache in front of <see cref="Client"/>, or <see langword="null"/> when the cache is off.</summary>
    public ResponseCachingChatClient? Cache { get; }

    /// <summary>Gets what requests go through: the cache when it is on, else the client.</summary>
    public IChatClient ChatClient { get; }
}
