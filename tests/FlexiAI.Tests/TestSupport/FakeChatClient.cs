using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace FlexiAI.Tests.TestSupport;

/// <summary>A scriptable in-memory IChatClient: each call runs the next behaviour (the last one repeats).</summary>
public sealed class FakeChatClient : IChatClient
{
    private readonly object _gate = new();
    private readonly List<Func<CancellationToken, Task<ChatResponse>>> _script = [];
    private int _calls;

    public FakeChatClient(string name) => Name = name;

    public string Name { get; }

    public int Calls => Volatile.Read(ref _calls);

    public bool Disposed { get; private set; }

    public List<string?> SeenTokensCancelable { get; } = [];

    /// <summary>Streaming: the updates to yield (text chunks) when a call succeeds.</summary>
    public string[] StreamChunks { get; set; } = ["Hel", "lo"];

    public Func<int, CancellationToken, Exception?>? StreamFailure { get; set; }

    /// <summary>Streaming: the chunk index before which the stream stalls until cancelled.</summary>
    public int? StallAt { get; set; }

    /// <summary>Streaming: extra contents appended to the chunk at the given index.</summary>
    public Dictionary<int, AIContent> ExtraContent { get; } = [];

    /// <summary>Streaming: whether the last update carries a finish reason (the provider's terminal event).</summary>
    public bool EndWithFinishReason { get; set; } = true;

    /// <summary>Streaming: the messages each streaming call received.</summary>
    public List<List<ChatMessage>> StreamRequests { get; } = [];

    public static FakeChatClient Answering(string name) => new FakeChatClient(name).ThenAnswer();

    public static FakeChatClient Failing(string name, int status) => new FakeChatClient(name).ThenFail(status);

    public FakeChatClient ThenAnswer(string? text = null)
    {
        _script.Add(_ => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text ?? $"answer from {Name}"))));
        return this;
    }

    public FakeChatClient ThenFail(int status, string? message = null) => ThenThrow(() => new HttpRequestException(message ?? $"HTTP {status} from {Name}", null, (HttpStatusCode)status));

    public FakeChatClient ThenThrow(Func<Exception> exception)
    {
        _script.Add(_ => Task.FromException<ChatResponse>(exception()));
        return this;
    }

    /// <summary>Never answers; completes only when the token is cancelled.</summary>
    public FakeChatClient ThenHang()
    {
        _script.Add(async ct =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        return this;
    }

    public FakeChatClient Then(Func<CancellationToken, Task<ChatResponse>> behaviour)
    {
        _script.Add(behaviour);
        return this;
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Func<CancellationToken, Task<ChatResponse>> next;
        lock (_gate)
        {
            var index = Math.Min(_calls, _script.Count - 1);
            _calls++;
            next = _script[index];
        }

        return next(cancellationToken);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            StreamRequests.Add([.. messages]);
        }

        // The scripted behaviour decides whether the stream starts at all.
        var response = await GetResponseAsync(messages, options, cancellationToken);
        for (var i = 0; i < StreamChunks.Length; i++)
        {
            if (StreamFailure?.Invoke(i, cancellationToken) is { } failure)
            {
                throw failure;
            }

            if (StallAt == i)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            var update = new ChatResponseUpdate(ChatRole.Assistant, StreamChunks[i]);
            if (ExtraContent.TryGetValue(i, out var extra))
            {
                update.Contents.Add(extra);
            }

            if (i == StreamChunks.Length - 1 && EndWithFinishReason)
            {
                update.FinishReason = ChatFinishReason.Stop;
            }

            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose() => Disposed = true;
}
