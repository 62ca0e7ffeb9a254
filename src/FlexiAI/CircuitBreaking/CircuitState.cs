namespace FlexiAI;

/// <summary>The state of a provider's circuit breaker.</summary>
public enum CircuitState
{
    /// <summary>Requests flow; consecutive counted failures are tallied.</summary>
    Closed,

    /// <summary>Requests skip the provider until the recovery timeout has passed.</summary>
    Open,

    /// <summary>The recovery timeout has passed; exactly one probe request is let through, others skip the provider.</summary>
    HalfOpen,
}
