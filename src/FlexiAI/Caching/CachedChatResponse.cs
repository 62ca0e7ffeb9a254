using System.ComponentModel;
using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>
/// One cached answer: the response's messages and metadata, who answered and what it cost, and when the entry expires (checked
/// against the cache's <see cref="TimeProvider"/>). Immutable, so HybridCache's memory layer hands out the instance without copying;
/// every hit builds fresh messages from it.
/// </summary>
[ImmutableObject(true)]
internal sealed class CachedChatResponse
{
    private int _fromStore;

    public CachedChatResponse(IReadOnlyList<ChatMessage> messages, string? finishReason, string? modelId, string? responseId, DateTimeOffset? createdAt,
        UsageDetails? usage, string? provider, string? routeModel, decimal? cost, DateTimeOffset expiresAt, bool fromStore = false)
    {
        Messages = messages;
        FinishReason = finishReason;
        ModelId = modelId;
        ResponseId = responseId;
        CreatedAt = createdAt;
        Usage = usage;
        Provider = provider;
        RouteModel = routeModel;
        Cost = cost;
        ExpiresAt = expiresAt;
        _fromStore = fromStore ? 1 : 0;
    }

    public IReadOnlyList<ChatMessage> Messages { get; }

    public string? FinishReason { get; }

    public string? ModelId { get; }

    public string? ResponseId { get; }

    public DateTimeOffset? CreatedAt { get; }

    public UsageDetails? Usage { get; }

    public string? Provider { get; }

    public string? RouteModel { get; }

    public decimal? Cost { get; }

    public DateTimeOffset ExpiresAt { get; }

    /// <summary>
    /// Returns <see langword="true"/> once for an entry just read from the distributed store (Redis): the first reader's hit came from
    /// there; later readers get it from the memory layer.
    /// </summary>
    public bool TakeFromStore() => Interlocked.Exchange(ref _fromStore, 0) == 1;

    /// <summary>Builds a fresh response for one caller (the messages and text parts are copies; other content objects are shared).</summary>
    public ChatResponse ToResponse(RouteReport route)
    {
        var messages = new List<ChatMessage>(Messages.Count);
        for (var i = 0; i < Messages.Count; i++)
        {
            messages.Add(Copy(Messages[i]));
        }

        return new ChatResponse(messages)
        {
            FinishReason = FinishReason is null ? null : new ChatFinishReason(FinishReason),
            ModelId = ModelId,
            ResponseId = ResponseId,
            CreatedAt = CreatedAt,
            Usage = Usage,
            AdditionalProperties = new AdditionalPropertiesDictionary { [FlexiAIChatResponseExtensions.RouteKey] = route },
        };
    }

    /// <summary>Replays the answer as stream updates: text in chunks of <paramref name="chunk"/> characters, the route on the last update.</summary>
    public IEnumerable<ChatResponseUpdate> ToUpdates(RouteReport route, int chunk)
    {
        foreach (var message in Messages)
        {
            foreach (var content in message.Contents)
            {
                if (content is TextContent text && content.GetType() == typeof(TextContent))
                {
                    for (var at = 0; at < text.Text.Length; at += chunk)
                    {
                        yield return Update(message, new TextContent(text.Text.Substring(at, Math.Min(chunk, text.Text.Length - at))));
                    }
                }
                else
                {
                    yield return Update(message, content);
                }
            }
        }

        var last = new ChatResponseUpdate(ChatRole.Assistant, [])
        {
            FinishReason = FinishReason is null ? null : new ChatFinishReason(FinishReason),
            ModelId = ModelId,
            ResponseId = ResponseId,
            CreatedAt = CreatedAt,
            AdditionalProperties = new AdditionalPropertiesDictionary { [FlexiAIChatResponseExtensions.RouteKey] = route },
        };
        if (Usage is { } usage)
        {
            last.Contents.Add(new UsageContent(usage));
        }

        yield return last;
    }

    private ChatResponseUpdate Update(ChatMessage message, AIContent content) => new(message.Role, [content])
    {
        AuthorName = message.AuthorName,
        MessageId = message.MessageId,
        ModelId = ModelId,
        ResponseId = ResponseId,
        CreatedAt = CreatedAt,
    };

    private static ChatMessage Copy(ChatMessage message)
    {
        var contents = new List<AIContent>(message.Contents.Count);
        foreach (var content in message.Contents)
        {
            contents.Add(content is TextContent text && content.GetType() == typeof(TextContent) ? new TextContent(text.Text) : content);
        }

        return new ChatMessage(message.Role, contents) { AuthorName = message.AuthorName, MessageId = message.MessageId };
    }
}
