using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>Copies provider-specific response data from the SDK's raw objects into <c>AdditionalProperties</c> (e.g. OpenAI <c>system_fingerprint</c>, Anthropic <c>stop_sequence</c>).</summary>
internal sealed class ResponseDataChatClient : DelegatingChatClient
{
    private readonly Copier _copy;

    public ResponseDataChatClient(IChatClient inner, Copier copy)
        : base(inner) => _copy = copy;

    /// <summary>Copies what a provider returns beyond MEAI's types from a raw SDK object into <paramref name="properties"/> (created when needed).</summary>
    /// <param name="raw">The SDK's raw response or stream chunk.</param>
    /// <param name="properties">The response's or update's <c>AdditionalProperties</c>.</param>
    /// <returns>Whether anything was copied.</returns>
    internal delegate bool Copier(object raw, ref AdditionalPropertiesDictionary? properties);

    /// <summary>
    /// Gets or sets whether the caller copies the data itself, right after its own await of the response (<see cref="CopyTo"/>).
    /// Then <see cref="GetResponseAsync"/> passes responses through and this layer adds no async step of its own. FlexiAI's router
    /// can take this over for the clients it created (find the layer with <c>GetService(typeof(ResponseDataChatClient))</c>).
    /// Streams are unaffected: they always copy here, once per stream.
    /// </summary>
    internal bool CopiedByCaller { get; set; }

    /// <summary>Copies the provider-specific data of <paramref name="response"/>'s raw representation into its <c>AdditionalProperties</c>.</summary>
    /// <param name="response">A response this client's inner client returned.</param>
    internal void CopyTo(ChatResponse response) => Copy(response, _copy);

    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (CopiedByCaller)
        {
            return base.GetResponseAsync(messages, options, cancellationToken);
        }

        // The pending call is awaited by a static helper whose state machine holds only the task and the copier (a smaller
        // box than an async override capturing every argument); a response that is already there needs no box at all.
        var pending = base.GetResponseAsync(messages, options, cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            Copy(pending.Result, _copy);
            return pending;
        }

        return CopyWhenDoneAsync(pending, _copy);
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Stream chunks repeat the same data (e.g. every OpenAI chunk carries the fingerprint): copy it once, to the first
        // update that has it, so a long stream does not pay a dictionary per chunk.
        var copied = false;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            if (!copied && update.RawRepresentation is { } raw)
            {
                var properties = update.AdditionalProperties;
                copied = _copy(raw, ref properties);
                update.AdditionalProperties = properties;
            }

            yield return update;
        }
    }

    private static async Task<ChatResponse> CopyWhenDoneAsync(Task<ChatResponse> pending, Copier copy)
    {
        var response = await pending.ConfigureAwait(false);
        Copy(response, copy);
        return response;
    }

    private static void Copy(ChatResponse response, Copier copy)
    {
        if (response.RawRepresentation is { } raw)
        {
            var properties = response.AdditionalProperties;
            copy(raw, ref properties);
            response.AdditionalProperties = properties;
        }
    }
}
