using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace FlexiAI.Samples.Failover;

/// <summary>An in-process stand-in for a provider that can be switched between healthy and down.</summary>
internal sealed class SimulatedProvider(string name) : IChatClient
{
    public bool Down { get; set; }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        await Task.Delay(5, cancellationToken);
        if (Down)
        {
            throw new HttpRequestException($"{name} is down", null, HttpStatusCode.ServiceUnavailable);
        }

        return new ChatResponse(new ChatMessage(ChatRole.Assistant, $"Hello from {name}"));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var word in response.Text.Split(' '))
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, word + " ");
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
