namespace FlexiAI;

/// <summary>A provider was skipped because its client-side rate limit (<c>rate_limit</c>) had no room (category <see cref="ErrorCategory.RateLimited"/>; never counted toward its breaker).</summary>
public sealed class RateLimitExceededException : FlexiAIException
{
    /// <summary>Initializes a new instance of the <see cref="RateLimitExceededException"/> class.</summary>
    /// <param name="provider">The provider that was skipped.</param>
    /// <param name="limit">The limit that had no room, in words (e.g. <c>60 requests/min</c>).</param>
    /// <param name="retryAt">When the limit is expected to have room again, if known.</param>
    public RateLimitExceededException(string provider, string limit, DateTimeOffset? retryAt)
        : base(retryAt is { } at
            ? $"Provider '{provider}' was skipped: its client-side rate limit ({limit}) is reached; it has room again at about {at:O}."
            : $"Provider '{provider}' was skipped: its client-side rate limit ({limit}) is reached.")
    {
        Provider = provider;
        Limit = limit;
        RetryAt = retryAt;
    }

    /// <summary>Gets the provider that was skipped.</summary>
    public string Provider { get; }

    /// <summary>Gets the limit that had no room, in words.</summary>
    public string Limit { get; }

    /// <summary>Gets when the limit is expected to have room again, if known.</summary>
    public DateTimeOffset? RetryAt { get; }
}
