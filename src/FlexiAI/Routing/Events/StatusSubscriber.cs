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
        Volatile.Write(ref _lastUsed, e.Provider.Name);
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
