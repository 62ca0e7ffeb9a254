using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>
/// Refuses, before any network call, a request that needs a capability the provider's configuration does not declare
/// (<see cref="OpenAICompatibleCapabilities"/>): tools, a JSON schema response format, or images. The
/// <see cref="RequestValidationException"/> names the capability, the provider and the configuration key that declares it.
/// </summary>
internal sealed class CapabilityCheckingChatClient : DelegatingChatClient
{
    private readonly string _providerName;
    private readonly OpenAICompatibleCapabilities _capabilities;

    public CapabilityCheckingChatClient(IChatClient inner, string providerName, OpenAICompatibleCapabilities capabilities)
        : base(inner)
    {
        _providerName = providerName;
        _capabilities = capabilities;
    }

    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Check(messages, options);
        return base.GetResponseAsync(messages, options, cancellationToken);
    }

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Check(messages, options);
        return base.GetStreamingResponseAsync(messages, options, cancellationToken);
    }

    private void Check(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        if (!_capabilities.Tools && options?.Tools is { Count: > 0 })
        {
            throw Refuse("options.Tools", "tools", "tools (function calling)");
        }

        if (!_capabilities.JsonSchema && options?.ResponseFormat is ChatResponseFormatJson { Schema: not null })
        {
            throw Refuse("options.ResponseFormat", "json_schema", "a JSON schema response format (structured output)");
        }

        if (_capabilities.Images)
        {
            return;
        }

        var index = 0;
        foreach (var message in messages)
        {
            for (var c = 0; c < message.Contents.Count; c++)
            {
                if (message.Contents[c] is DataContent data && data.HasTopLevelMediaType("image") || message.Contents[c] is UriContent uri && uri.HasTopLevelMediaType("image"))
                {
                    throw Refuse($"messages[{index}].Contents[{c}]", "images", "image content");
                }
            }

            index++;
        }
    }

    private RequestValidationException Refuse(string parameter, string capability, string what) =>
        new(parameter, $"Provider '{_providerName}' (openai_compatible) does not declare the '{capability}' capability, so it cannot take {what}. If the server supports it, set \"config\": {{ \"capabilities\": {{ \"{capability}\": true }} }}; otherwise remove it or route this request to a provider that takes it.");
}
