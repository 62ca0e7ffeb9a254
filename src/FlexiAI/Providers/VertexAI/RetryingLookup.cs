namespace FlexiAI;

/// <summary>
/// An asynchronous value computed on first use and kept once it succeeds. Unlike <see cref="Lazy{T}"/> over a task, a failed
/// (or cancelled) lookup is not kept: the next caller starts a new one. Callers that arrive while a lookup runs share it.
/// </summary>
/// <typeparam name="T">The value's type.</typeparam>
internal sealed class RetryingLookup<T>
{
    private readonly Func<Task<T>> _lookup;
    private readonly object _gate = new();
    private Task<T>? _current;

    public RetryingLookup(Func<Task<T>> lookup) => _lookup = lookup;

    /// <summary>Returns the kept value, the lookup in flight, or a new lookup when there is neither (first use, or the last one failed).</summary>
    public Task<T> GetAsync()
    {
        TaskCompletionSource<T> started;
        lock (_gate)
        {
            if (_current is { } current && !current.IsFaulted && !current.IsCanceled)
            {
                return current;
            }

            started = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            _current = started.Task;
        }

        // The lookup runs outside the lock: its synchronous part may do I/O (reading a key file).
        _ = RunAsync(started);
        return started.Task;
    }

    private async Task RunAsync(TaskCompletionSource<T> completion)
    {
        try
        {
            completion.TrySetResult(await _lookup().ConfigureAwait(false));
        }
        catch (OperationCanceledException ex)
        {
            completion.TrySetCanceled(ex.CancellationToken);
        }
        catch (Exception ex)
        {
            completion.TrySetException(ex);
        }
    }
}
