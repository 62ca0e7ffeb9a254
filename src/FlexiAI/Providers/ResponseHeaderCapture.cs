namespace FlexiAI;

/// <summary>
/// Carries the retry headers of a failed HTTP response from an SDK's HTTP pipeline back to FlexiAI, for SDKs
/// whose exceptions carry no headers (Anthropic). The capturing chat client opens a scope (an
/// <see cref="AsyncLocal{T}"/> box that flows into the SDK's calls); the HTTP handler fills it; the
/// chat client copies it onto the exception's <see cref="Exception.Data"/>, where adapters read it.
/// </summary>
internal sealed class ResponseHeaderCapture
{
    public const string RetryAfterKey = "flexiai.retry_after";
    public const string ShouldRetryKey = "flexiai.should_retry";
    public const string RequestIdKey = "flexiai.request_id";

    private static readonly AsyncLocal<ResponseHeaderCapture?> CurrentSlot = new();

    public static ResponseHeaderCapture? Current => CurrentSlot.Value;

    public TimeSpan? RetryAfter { get; set; }

    public bool? ShouldRetry { get; set; }

    public string? RequestId { get; set; }

    public static ResponseHeaderCapture Begin()
    {
        var capture = new ResponseHeaderCapture();
        CurrentSlot.Value = capture;
        return capture;
    }

    public void CopyTo(Exception exception)
    {
        if (RetryAfter is { } retryAfter)
        {
            exception.Data[RetryAfterKey] = retryAfter;
        }

        if (ShouldRetry is { } shouldRetry)
        {
            exception.Data[ShouldRetryKey] = shouldRetry;
        }

        if (RequestId is { } requestId)
        {
            exception.Data[RequestIdKey] = requestId;
        }
    }

    public static TimeSpan? ReadRetryAfter(Exception exception) =>
        exception.Data[RetryAfterKey] is TimeSpan value ? value : null;

    public static bool? ReadShouldRetry(Exception exception) =>
        exception.Data[ShouldRetryKey] is bool value ? value : null;
}
