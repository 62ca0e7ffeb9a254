namespace FlexiAI;

/// <summary>The kinds of request events, as flags, so the loop can ask "does anyone listen?" before building one.</summary>
[Flags]
internal enum RequestEventKinds
{
    None = 0,
    RequestStarted = 1 << 0,
    AttemptStarted = 1 << 1,
    AttemptSucceeded = 1 << 2,
    AttemptFailed = 1 << 3,
    AttemptCancelled = 1 << 4,
    ProviderSkipped = 1 << 5,
    FailedOver = 1 << 6,
    CircuitChanged = 1 << 7,
    StreamContinued = 1 << 8,
    WaitingForRecovery = 1 << 9,
    RequestCompleted = 1 << 10,
    StreamAbandoned = 1 << 11,
    CacheLookup = 1 << 12,
}
