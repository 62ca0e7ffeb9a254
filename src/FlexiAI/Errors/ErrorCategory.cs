namespace FlexiAI;

/// <summary>
/// The category FlexiAI assigns to every provider failure. The category decides, through the
/// <see cref="ErrorPolicy"/> table, whether FlexiAI retries, fails over and counts the failure toward
/// the provider's circuit breaker.
/// </summary>
public enum ErrorCategory
{
    /// <summary>The failure could not be classified.</summary>
    Unknown = 0,

    /// <summary>The credentials were missing, malformed or rejected (HTTP 401).</summary>
    Authentication,

    /// <summary>The credentials are valid but lack access to the resource or model (HTTP 403).</summary>
    PermissionDenied,

    /// <summary>The provider throttled the request (HTTP 429).</summary>
    RateLimited,

    /// <summary>The attempt, or the provider on its side, ran out of time (HTTP 408/504, attempt timeout).</summary>
    Timeout,

    /// <summary>The connection failed: DNS, refused, reset, TLS or a truncated body.</summary>
    Network,

    /// <summary>The provider failed internally (HTTP 5xx other than overload).</summary>
    ServerError,

    /// <summary>The provider is overloaded (HTTP 503 or Anthropic's 529).</summary>
    Overloaded,

    /// <summary>The request was rejected as malformed or unsupported (HTTP 400/413/422).</summary>
    InvalidRequest,

    /// <summary>The prompt and requested output exceed the model's context window.</summary>
    ContextLengthExceeded,

    /// <summary>The provider's safety system blocked the prompt or the answer.</summary>
    ContentFiltered,

    /// <summary>The model or endpoint does not exist (HTTP 404).</summary>
    NotFound,

    /// <summary>The provider cancelled the request on its side (e.g. Vertex AI's 499). Caller cancellation never gets a category; it surfaces as <see cref="OperationCanceledException"/>.</summary>
    Cancelled,
}
