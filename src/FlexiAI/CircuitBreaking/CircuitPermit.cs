namespace FlexiAI;

/// <summary>The answer of a circuit breaker to "may I call this provider now?".</summary>
internal readonly record struct CircuitPermit(bool Allowed, bool IsProbe, CircuitState State, DateTimeOffset? RetryAt)
{
    public static CircuitPermit Closed => new(true, false, CircuitState.Closed, null);
}
