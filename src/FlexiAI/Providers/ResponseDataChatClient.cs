using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>Copies provider-specific response data from the SDK's raw objects into <c>AdditionalProperties</c> (e.g. OpenAI <c>system_fingerprint</c>, Anthropic <c>stop_sequence</c>).</summary>
internal sealed class ResponseDataChatClient : DelegatingChatClient
{
    private readonly Func<object?, IEnumerable<KeyValuePair<string, object?>>> _extract;

    public ResponseDataChatClient(IChatClient inner, Func<object?, IEnumerable<KeyValuePair<string, object?>>> extract)
        : base(inner) => _extract = extract;

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var (key, value) in _extract(response.RawRepresentation))
        {
            (response.AdditionalProperties ??= [])[key] = value;
        }

        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Stream chunks repeat the same data (e.g. every OpenAI chunk carries the fingerprint): copy it once, to the first
        // update that has it, so a long stream does not pay a dictionary per chunk.
        var copied = false;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            if (!copied && update.RawRepresentation is not null)
            {
                foreach (var (key, value) in _extract(update.RawRepresentation))
                {
                    (update.AdditionalProperties ??= [])[key] = value;
                    copied = true;
                }
            }

            yield return update;
        }
    }
}
