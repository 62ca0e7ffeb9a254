using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>Opens a <see cref="ResponseHeaderCapture"/> around each call and copies what it captured onto the failure.</summary>
internal sealed class HeaderCapturingChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var capture = ResponseHeaderCapture.Begin();
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Record(capture, ex))
        {
            throw;
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var capture = ResponseHeaderCapture.Begin();
        var stream = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await stream.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (Record(capture, ex))
                {
                    throw;
                }

                if (!more)
                {
                    yield break;
                }

                yield return stream.Current;
            }
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static bool Record(ResponseHeaderCapture capture, Exception exception)
    {
        capture.CopyTo(exception);
        return false;
    }
}
