using Microsoft.Extensions.AI;

namespace FlexiAI.Gateway;

/// <summary>A parsed <c>POST /v1/chat/completions</c> body.</summary>
internal sealed class ChatCompletionRequest
{
    public required string Model { get; init; }

    public required List<ChatMessage> Messages { get; init; }

    public required ChatOptions Options { get; init; }

    public bool Stream { get; init; }

    public bool IncludeUsage { get; init; }
}
