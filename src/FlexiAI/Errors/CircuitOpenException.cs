namespace FlexiAI;

/// <summary>A provider was skipped because its circuit breaker is open (or its half-open probe is taken).</summary>
public sealed class CircuitOpenException : FlexiAIException
{
    /// <summary>Initializes a new instance of the <see cref="CircuitOpenException"/> class.</summary>
    /// <param name="provider">The provider that was skipped.</param>
    /// <param name="state">The breaker's state when it was skipped.</param>
    /// <param name="retryAt">The earliest time the provider may be tried again, when known.</param>
    public CircuitOpenException(string provider, CircuitState state, DateTimeOffset? retryAt)
        : base(retryAt is { } at
            ? $"Provider '{provider}' was skipped: its circuit breaker is {state}; it may be tried again at {at:O}."
            : $"Provider '{provider}' was skipped: its circuit breaker is {state} and a probe is in flight.")
    {
        Provider = provider;
        State = state;
        RetryAt = retryAt;
    }

    /// <summary>Gets the provider that was skipped.</summary>
    public string Provider { get; }

    /// <summary>Gets the breaker's state when the provider was skipped.</summary>
    public CircuitState State { get; }

    /// <summary>Gets the earliest time the provider may be tried again, when known.</summary>
    public DateTimeOffset? RetryAt { get; }
}
