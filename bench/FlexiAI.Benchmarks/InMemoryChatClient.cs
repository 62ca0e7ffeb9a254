using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace FlexiAI.Benchmarks;

/// <summary>A provider that answers from memory with pre-built, reused objects, so a benchmark measures FlexiAI and not it.</summary>
public sealed class InMemoryChatClient : IChatClient
{
    private readonly ChatResponse _response = new(new ChatMessage(ChatRole.Assistant, "pong")) { FinishReason = ChatFinishReason.Stop };
    private readonly ChatResponseUpdate[] _updates;
    private readonly Func<Exception>? _failure;

    public InMemoryChatClient(int chunks = 1, Func<Exception>? failure = null)
    {
        _failure = failure;
        _updates = new ChatResponseUpdate[chunks];
        for (var i = 0; i < chunks; i++)
        {
            _updates[i] = new ChatResponseUpdate(ChatRole.Assistant, "tok ") { FinishReason = i == chunks - 1 ? ChatFinishReason.Stop : null };
        }
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        _failure is null ? Task.FromResult(_response) : Task.FromException<ChatResponse>(_failure()); // a new exception per call, as real clients throw

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (_failure is not null)
        {
            throw _failure();
        }

        foreach (var update in _updates)
        {
            yield return update;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
