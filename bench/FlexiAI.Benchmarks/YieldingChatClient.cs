using Microsoft.Extensions.AI;

namespace FlexiAI.Benchmarks;

/// <summary>
/// A provider that completes asynchronously (one thread-pool hop, like a network call) with a fresh response whose raw
/// representation is an OpenAI completion with a system fingerprint — so every async layer above it allocates its state
/// machine and the provider wrappers do their real work, without HTTP in the way.
/// </summary>
public sealed class YieldingChatClient : IChatClient
{
#pragma warning disable OPENAI001 // The model factory is marked for evaluation; it only builds a test object here.
    private readonly OpenAI.Chat.ChatCompletion _raw = OpenAI.Chat.OpenAIChatModelFactory.ChatCompletion(id: "chatcmpl-bench", model: "gpt-4.1-mini", systemFingerprint: "fp_bench");
#pragma warning restore OPENAI001
    private readonly ChatMessage _message = new(ChatRole.Assistant, "pong");

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        return new ChatResponse(_message) { FinishReason = ChatFinishReason.Stop, RawRepresentation = _raw };
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Non-streaming only.");

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
