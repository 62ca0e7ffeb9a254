namespace FlexiAI;

/// <summary>
/// What FlexiAI does with a failure of one <see cref="ErrorCategory"/>: retry the same provider,
/// fail over to the next one, and whether the failure counts toward the provider's circuit breaker.
/// </summary>
/// <param name="Retry">Retry the same provider (within its retry budget) before moving on.</param>
/// <param name="Failover">Try the next provider when this one gives up; when <see langword="false"/>, the request fails at once.</param>
/// <param name="CountsTowardBreaker">Count the failure toward the provider's consecutive-failure threshold.</param>
public readonly record struct ErrorPolicy(bool Retry, bool Failover, bool CountsTowardBreaker)
{
    /// <summary>Gets the built-in policy for <paramref name="category"/>.</summary>
    /// <param name="category">The error category.</param>
    /// <returns>The default policy; see the table in <c>docs/errors.md</c>.</returns>
    public static ErrorPolicy GetDefault(ErrorCategory category) => category switch
    {
        ErrorCategory.Authentication => new(Retry: false, Failover: true, CountsTowardBreaker: true),
        ErrorCategory.PermissionDenied => new(Retry: false, Failover: true, CountsTowardBreaker: true),
        ErrorCategory.RateLimited => new(Retry: true, Failover: true, CountsTowardBreaker: true),
        ErrorCategory.Timeout => new(Retry: true, Failover: true, CountsTowardBreaker: true),
        ErrorCategory.Network => new(Retry: true, Failover: true, CountsTowardBreaker: true),
        ErrorCategory.ServerError => new(Retry: true, Failover: true, CountsTowardBreaker: true),
        ErrorCategory.Overloaded => new(Retry: true, Failover: true, CountsTowardBreaker: true),
        ErrorCategory.InvalidRequest => new(Retry: false, Failover: false, CountsTowardBreaker: false),
        ErrorCategory.ContextLengthExceeded => new(Retry: false, Failover: true, CountsTowardBreaker: false),
        ErrorCategory.ContentFiltered => new(Retry: false, Failover: false, CountsTowardBreaker: false),
        ErrorCategory.NotFound => new(Retry: false, Failover: true, CountsTowardBreaker: true),
        ErrorCategory.Cancelled => new(Retry: true, Failover: true, CountsTowardBreaker: false),
        _ => new(Retry: false, Failover: true, CountsTowardBreaker: true),
    };
}
