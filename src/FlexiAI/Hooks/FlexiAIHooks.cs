namespace FlexiAI;

/// <summary>
/// Callbacks around every request: before-request, after-response, on-error, on-failover and
/// on-circuit-state-change. Hooks are asynchronous and run in registration order; a hook that throws
/// is logged and never fails the request.
/// </summary>
/// <remarks>Registration is thread-safe and may happen while requests run; a request sees the hooks registered when each event fires.</remarks>
public sealed class FlexiAIHooks
{
    private readonly object _gate = new();
    private Func<FlexiAIHookContext, CancellationToken, ValueTask>[][] _hooks = CreateEmpty();

    /// <summary>Registers a hook for <paramref name="hookEvent"/>.</summary>
    /// <param name="hookEvent">When the hook runs.</param>
    /// <param name="hook">The hook.</param>
    /// <returns>This instance, for chaining.</returns>
    public FlexiAIHooks Add(FlexiAIHookEvent hookEvent, Func<FlexiAIHookContext, CancellationToken, ValueTask> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        if ((uint)hookEvent >= (uint)_hooks.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(hookEvent), hookEvent, "Unknown hook event.");
        }

        lock (_gate)
        {
            var copy = (Func<FlexiAIHookContext, CancellationToken, ValueTask>[][])_hooks.Clone();
            copy[(int)hookEvent] = [.. copy[(int)hookEvent], hook];
            _hooks = copy;
        }

        return this;
    }

    /// <summary>Registers a hook that runs before each attempt.</summary>
    /// <param name="hook">The hook.</param>
    /// <returns>This instance, for chaining.</returns>
    public FlexiAIHooks OnBeforeRequest(Func<FlexiAIHookContext, CancellationToken, ValueTask> hook) => Add(FlexiAIHookEvent.BeforeRequest, hook);

    /// <summary>Registers a hook that runs after a provider answered.</summary>
    /// <param name="hook">The hook.</param>
    /// <returns>This instance, for chaining.</returns>
    public FlexiAIHooks OnAfterResponse(Func<FlexiAIHookContext, CancellationToken, ValueTask> hook) => Add(FlexiAIHookEvent.AfterResponse, hook);

    /// <summary>Registers a hook that runs after an attempt failed.</summary>
    /// <param name="hook">The hook.</param>
    /// <returns>This instance, for chaining.</returns>
    public FlexiAIHooks OnError(Func<FlexiAIHookContext, CancellationToken, ValueTask> hook) => Add(FlexiAIHookEvent.Error, hook);

    /// <summary>Registers a hook that runs when a request moves to the next provider.</summary>
    /// <param name="hook">The hook.</param>
    /// <returns>This instance, for chaining.</returns>
    public FlexiAIHooks OnFailover(Func<FlexiAIHookContext, CancellationToken, ValueTask> hook) => Add(FlexiAIHookEvent.Failover, hook);

    /// <summary>Registers a hook that runs when a circuit breaker changes state.</summary>
    /// <param name="hook">The hook.</param>
    /// <returns>This instance, for chaining.</returns>
    public FlexiAIHooks OnCircuitStateChange(Func<FlexiAIHookContext, CancellationToken, ValueTask> hook) => Add(FlexiAIHookEvent.CircuitStateChange, hook);

    /// <summary>Returns whether any hook is registered for <paramref name="hookEvent"/> (lets the hot path skip building a context).</summary>
    internal bool Has(FlexiAIHookEvent hookEvent) => _hooks[(int)hookEvent].Length != 0;

    internal Func<FlexiAIHookContext, CancellationToken, ValueTask>[] Get(FlexiAIHookEvent hookEvent) => _hooks[(int)hookEvent];

    private static Func<FlexiAIHookContext, CancellationToken, ValueTask>[][] CreateEmpty()
    {
        var count = Enum.GetValues<FlexiAIHookEvent>().Length;
        var result = new Func<FlexiAIHookContext, CancellationToken, ValueTask>[count][];
        for (var i = 0; i < count; i++)
        {
            result[i] = [];
        }

        return result;
    }
}
