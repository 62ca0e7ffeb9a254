using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>Disposes a resource the inner client uses but does not own (OllamaSharp leaves a given <see cref="HttpClient"/> open).</summary>
internal sealed class OwningChatClient(IChatClient inner, IDisposable owned) : DelegatingChatClient(inner)
{
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            owned.Dispose();
        }

        base.Dispose(disposing);
    }
}
