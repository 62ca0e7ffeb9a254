namespace FlexiAI;

/// <summary>
/// The classification of one provider failure, produced by a <see cref="ProviderAdapter"/> from the
/// exception the provider's <see cref="Microsoft.Extensions.AI.IChatClient"/> threw.
/// </summary>
public sealed class ProviderFailure
{
    /// <summary>Initializes a new instance of the <see cref="ProviderFailure"/> class.</summary>
    /// <param name="category">The category of the failure.</param>
    /// <param name="message">A short description of what went wrong; it must not contain secrets.</param>
    public ProviderFailure(ErrorCategory category, string message)
    {
        Category = category;
        Message = message ?? string.Empty;
    }

    /// <summary>Gets the category of the failure.</summary>
    public ErrorCategory Category { get; }

    /// <summary>Gets a short description of what went wrong.</summary>
    public string Message { get; }

    /// <summary>Gets or initializes the HTTP status code, when the provider answered.</summary>
    public int? StatusCode { get; init; }

    /// <summary>Gets or initializes the provider's request id, when it sent one.</summary>
    public string? RequestId { get; init; }

    /// <summary>Gets or initializes how long the provider asked the caller to wait (<c>Retry-After</c>, <c>retry-after-ms</c>).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Gets or initializes the provider's own retry advice (<c>x-should-retry</c>), which overrides the category's retry policy when present.</summary>
    public bool? ShouldRetry { get; init; }

    /// <summary>Gets or initializes a hint that replaces the category's default hint.</summary>
    public string? Hint { get; init; }
}
