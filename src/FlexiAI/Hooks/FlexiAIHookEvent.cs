namespace FlexiAI;

/// <summary>The moments at which <see cref="FlexiAIHooks"/> run.</summary>
public enum FlexiAIHookEvent
{
    /// <summary>Before each attempt is sent to a provider.</summary>
    BeforeRequest,

    /// <summary>After a provider answered (once per request, for the answering attempt).</summary>
    AfterResponse,

    /// <summary>After an attempt failed.</summary>
    Error,

    /// <summary>When the request moves from one provider to the next.</summary>
    Failover,

    /// <summary>When a provider's circuit breaker changes state.</summary>
    CircuitStateChange,
}
