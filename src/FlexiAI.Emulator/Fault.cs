namespace FlexiAI.Emulator;

/// <summary>A fault to inject into a request. Create one with the static methods.</summary>
public sealed record Fault
{
    /// <summary>The lowest status an error fault may use (400).</summary>
    internal const int MinErrorStatus = 400;

    /// <summary>The highest status an error fault may use (599).</summary>
    internal const int MaxErrorStatus = 599;

    /// <summary>The longest delay <see cref="Task.Delay(TimeSpan)"/> accepts.</summary>
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>Gets what the fault does.</summary>
    public required FaultKind Kind { get; init; }

    /// <summary>Gets the HTTP status for <see cref="FaultKind.Status"/>, or the error's status for <see cref="FaultKind.StreamError"/>.</summary>
    public int StatusCode { get; init; }

    /// <summary>Gets the <c>Retry-After</c> to send (whole seconds), if any.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Gets the <c>retry-after-ms</c> to send, if any.</summary>
    public TimeSpan? RetryAfterMs { get; init; }

    /// <summary>Gets the added latency for <see cref="FaultKind.Latency"/>.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>Gets how many content chunks go out before a stream fault strikes.</summary>
    public int AfterChunks { get; init; }

    /// <summary>Gets the error message to send; <see langword="null"/> uses the provider's usual message for the status.</summary>
    public string? Message { get; init; }

    /// <summary>An HTTP error with the provider's exact error body.</summary>
    /// <param name="statusCode">The status, 400 to 599, e.g. 429, 500, 503, 529.</param>
    /// <param name="retryAfter">A <c>Retry-After</c> header (sent in whole seconds, rounded up); not negative.</param>
    /// <param name="retryAfterMs">A <c>retry-after-ms</c> header; not negative.</param>
    /// <param name="message">The error message; <see langword="null"/> for the provider's usual one.</param>
    /// <returns>The fault.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The status is not an error status (400–599), or a retry hint is negative.</exception>
    public static Fault Status(int statusCode, TimeSpan? retryAfter = null, TimeSpan? retryAfterMs = null, string? message = null)
    {
        ThrowIfNotErrorStatus(statusCode);
        if (retryAfter < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(retryAfter), retryAfter, "Retry-After cannot be negative.");
        }

        if (retryAfterMs < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(retryAfterMs), retryAfterMs, "retry-after-ms cannot be negative.");
        }

        return new() { Kind = FaultKind.Status, StatusCode = statusCode, RetryAfter = retryAfter, RetryAfterMs = retryAfterMs, Message = message };
    }

    /// <summary>
    /// Azure OpenAI's content-filter refusal: a 400 whose body has <c>code: content_filter</c> and the
    /// <c>ResponsibleAIPolicyViolation</c> inner error on an Azure OpenAI instance (other instances send a plain 400 with its message).
    /// </summary>
    /// <returns>The fault.</returns>
    public static Fault AzureContentFilter() => Status(400, message: AzureOpenAIProtocol.ContentFilterMessage);

    /// <summary>A connection reset before any response headers.</summary>
    /// <returns>The fault.</returns>
    public static Fault ResetConnection() => new() { Kind = FaultKind.ResetConnection };

    /// <summary>Extra latency before a normal answer.</summary>
    /// <param name="latency">The delay, from zero to about 49 days.</param>
    /// <returns>The fault.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The delay is negative or longer than a timer can wait.</exception>
    public static Fault Delay(TimeSpan latency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latency, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(latency, MaxDelay);
        return new() { Kind = FaultKind.Latency, Latency = latency };
    }

    /// <summary>A stall after <paramref name="afterChunks"/> content chunks (0: before anything is sent).</summary>
    /// <param name="afterChunks">Content chunks sent before the stall.</param>
    /// <returns>The fault.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="afterChunks"/> is negative.</exception>
    public static Fault Stall(int afterChunks = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterChunks);
        return new() { Kind = FaultKind.Stall, AfterChunks = afterChunks };
    }

    /// <summary>A stream cut after <paramref name="afterChunks"/> content chunks, without its terminal event.</summary>
    /// <param name="afterChunks">Content chunks sent before the cut.</param>
    /// <returns>The fault.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="afterChunks"/> is negative.</exception>
    public static Fault Truncate(int afterChunks = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterChunks);
        return new() { Kind = FaultKind.Truncate, AfterChunks = afterChunks };
    }

    /// <summary>Malformed JSON: a broken body, or a broken stream payload after <paramref name="afterChunks"/> chunks.</summary>
    /// <param name="afterChunks">Content chunks sent before the broken payload (streams only).</param>
    /// <returns>The fault.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="afterChunks"/> is negative.</exception>
    public static Fault MalformedJson(int afterChunks = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterChunks);
        return new() { Kind = FaultKind.MalformedJson, AfterChunks = afterChunks };
    }

    /// <summary>The provider's own mid-stream error event after <paramref name="afterChunks"/> content chunks.</summary>
    /// <param name="afterChunks">Content chunks sent before the error event.</param>
    /// <param name="statusCode">The error's status, 400 to 599: 529/503 → overloaded, 429 → rate limit, 500 → server error.</param>
    /// <param name="message">The error message; <see langword="null"/> for the provider's usual one.</param>
    /// <returns>The fault.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="afterChunks"/> is negative, or the status is not an error status (400–599).</exception>
    public static Fault StreamError(int afterChunks = 2, int statusCode = 529, string? message = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterChunks);
        ThrowIfNotErrorStatus(statusCode);
        return new() { Kind = FaultKind.StreamError, AfterChunks = afterChunks, StatusCode = statusCode, Message = message };
    }

    private static void ThrowIfNotErrorStatus(int statusCode)
    {
        if (statusCode is < MinErrorStatus or > MaxErrorStatus)
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, $"A fault's status is an HTTP error status from {MinErrorStatus} to {MaxErrorStatus}.");
        }
    }
}
