using System.Runtime.InteropServices;
using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>
/// Rejects content a provider cannot take with a <see cref="RequestValidationException"/> that names the provider and the
/// content, before any network call (the SDKs would otherwise drop it silently or fail with a vague 400).
/// </summary>
internal sealed class ContentCheckingChatClient : DelegatingChatClient
{
    private readonly string _providerName;
    private readonly string _providerType;
    private readonly Func<AIContent, bool> _accepts;
    private readonly string _accepted;

    public ContentCheckingChatClient(IChatClient inner, string providerName, string providerType, Func<AIContent, bool> accepts, string accepted)
        : base(inner)
    {
        _providerName = providerName;
        _providerType = providerType;
        _accepts = accepts;
        _accepted = accepted;
    }

    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Check(messages);
        return base.GetResponseAsync(messages, options, cancellationToken);
    }

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Check(messages);
        return base.GetStreamingResponseAsync(messages, options, cancellationToken);
    }

    private void Check(IEnumerable<ChatMessage> messages)
    {
        // Over a list (the router always passes one): indexed, no boxed enumerator, no interface call per message.
        if (messages is List<ChatMessage> list)
        {
            var span = CollectionsMarshal.AsSpan(list);
            for (var i = 0; i < span.Length; i++)
            {
                Check(span[i], i);
            }

            return;
        }

        if (messages is IList<ChatMessage> indexed)
        {
            for (var i = 0; i < indexed.Count; i++)
            {
                Check(indexed[i], i);
            }

            return;
        }

        var index = 0;
        foreach (var message in messages)
        {
            Check(message, index++);
        }
    }

    private void Check(ChatMessage message, int index)
    {
        var contents = message.Contents;
        if (contents is List<AIContent> list)
        {
            var span = CollectionsMarshal.AsSpan(list);
            for (var c = 0; c < span.Length; c++)
            {
                Check(span[c], index, c);
            }

            return;
        }

        for (var c = 0; c < contents.Count; c++)
        {
            Check(contents[c], index, c);
        }
    }

    private void Check(AIContent content, int index, int c)
    {
        // Text is by far the most common content: one exact type comparison and on.
        if (content.GetType() != typeof(TextContent) && content is DataContent or UriContent && !_accepts(content))
        {
            var media = content is DataContent d ? d.MediaType : ((UriContent)content).MediaType;
            var form = content is DataContent ? "data" : "a URL";
            throw new RequestValidationException(
                $"messages[{index}].Contents[{c}]",
                $"Provider '{_providerName}' ({_providerType}) cannot take {media} content as {form}; it takes {_accepted}. Remove it, convert it, or route this request to a provider that takes it.");
        }
    }
}
