namespace FlexiAI;

/// <summary>Where a retryable failure goes next.</summary>
public enum RetryStrategy
{
    /// <summary>Retry the same provider (with backoff) up to its attempt limit, then fail over (the default).</summary>
    InPlace,

    /// <summary>
    /// Fail over to the next provider at once; come back to a provider that failed (with its backoff or <c>Retry-After</c>)
    /// only when no other provider is left.
    /// </summary>
    FailoverFirst,
}
