namespace FlexiAI;

/// <summary>Keeps the client's status from the request events: the last provider that answered, each provider's last error, and the <see cref="FlexiAIClient.CircuitStateChanged"/> event.</summary>
internal sealed class StatusSubscriber(Action<CircuitStateChange> raiseCircuitChanged, Func<bool> hasCircuitListeners) : RequestEventSubscriber
{
    private string? _lastUsed;

    /// <summary>Gets the provider that answered the most recent successful request.</summary>
    public string? LastUsedProvider => Volatile.Read(ref _lastUsed);

    public override bool Wants(RequestEventKinds kind) => kind switch
    {
        RequestEventKinds.AttemptSucceeded or RequestEventKinds.AttemptFailed => true,
        RequestEventKinds.CircuitChanged => hasCircuitListeners(),
        _ => false,
    };

    public override ValueTask OnAttemptSucceededAsync(AttemptSucceeded e, CancellationToken cancellationToken)
    {
        // Written only when it changes: an unconditional write of a shared field on every request bounces its cache line between cores.
        var name = e.Provider.Name;
        if (!ReferenceEquals(Volatile.Read(ref _lastUsed), name))
        {
            Volatile.Write(ref _lastUsed, name);
        }

        return default;
    }

    public override ValueTask OnAttemptFailedAsync(AttemptFailed e, CancellationToken cancellationToken)
    {
        e.Provider.NoteError(e.Error.Category);
        return default;
    }

    public override ValueTask OnCircuitChangedAsync(CircuitChanged e, CancellationToken cancellationToken)
    {
        raiseCircuitChanged(e.Change);
        return default;
    }
}
