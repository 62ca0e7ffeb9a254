using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>A provider stream that delivered its first update, with what the router needs to finish or fail it.</summary>
internal sealed class OpenedStream(RoutedProvider provider, CircuitPermit permit, int attempt, long started, AttemptDeadline deadline, IAsyncEnumerator<ChatResponseUpdate> stream) : IAsyncDisposable
{
    public RoutedProvider Provider { get; } = provider;

    public CircuitPermit Permit { get; } = permit;

    public int Attempt { get; } = attempt;

    public long Started { get; } = started;

    public AttemptDeadline Deadline { get; } = deadline;

    public IAsyncEnumerator<ChatResponseUpdate> Stream { get; } = stream;

    public async ValueTask DisposeAsync()
    {
        await FailoverRouter.DisposeQuietlyAsync(Stream).ConfigureAwait(false);
        Deadline.Dispose();
    }
}
