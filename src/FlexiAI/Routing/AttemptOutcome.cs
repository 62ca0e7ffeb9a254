namespace FlexiAI;

/// <summary>How one attempt of a request ended.</summary>
public enum AttemptOutcome
{
    /// <summary>The provider answered.</summary>
    Succeeded,

    /// <summary>The provider failed; see the attempt's category.</summary>
    Failed,

    /// <summary>The provider was skipped without a network call because its circuit breaker was open or its probe was taken.</summary>
    SkippedCircuitOpen,

    /// <summary>The caller cancelled the request during this attempt.</summary>
    Cancelled,

    /// <summary>The provider's stream failed after output reached the caller.</summary>
    Interrupted,

    /// <summary>The provider was skipped without a network call by an admission gate other than the circuit breaker (see <see cref="RouteAttempt.SkipReason"/>).</summary>
    Skipped,
}
