namespace FlexiAI;

/// <summary>
/// One failed attempt against one provider, classified into an <see cref="ErrorCategory"/>.
/// </summary>
/// <remarks>
/// The message names the provider, model, attempt, category and status code, and ends with a hint
/// on what to do. It never contains an API key: provider messages pass through FlexiAI's secret
/// masking before they are stored, and the provider's own exception is kept as a <see cref="RedactedException"/>
/// (its type name, status code and stack trace, its text scrubbed).
/// </remarks>
public sealed class ProviderException : FlexiAIException
{
    /// <summary>Initializes a new instance of the <see cref="ProviderException"/> class.</summary>
    /// <param name="provider">The provider's configured name.</param>
    /// <param name="model">The model the attempt used.</param>
    /// <param name="failure">The classification of the failure.</param>
    /// <param name="attemptNumber">The 1-based attempt number against this provider within the request.</param>
    /// <param name="isRetryable">Whether the error policy allowed this failure to be retried.</param>
    /// <param name="innerException">The exception the provider threw; kept as a <see cref="RedactedException"/>.</param>
    public ProviderException(string provider, string model, ProviderFailure failure, int attemptNumber, bool isRetryable, Exception? innerException)
        : base(BuildMessage(provider, model, failure, attemptNumber), SecretMasker.Scrub(innerException, failure?.StatusCode))
    {
        ArgumentNullException.ThrowIfNull(failure);
        Provider = provider;
        Model = model;
        Category = failure.Category;
        StatusCode = failure.StatusCode;
        RequestId = failure.RequestId;
        RetryAfter = failure.RetryAfter;
        AttemptNumber = attemptNumber;
        IsRetryable = isRetryable;
        Hint = failure.Hint ?? ErrorHints.For(failure.Category);
        ProviderMessage = SecretMasker.Redact(failure.Message);
    }

    /// <summary>Gets the provider's configured name.</summary>
    public string Provider { get; }

    /// <summary>Gets the model the attempt used.</summary>
    public string Model { get; }

    /// <summary>Gets the category of the failure.</summary>
    public ErrorCategory Category { get; }

    /// <summary>Gets the HTTP status code, when the provider answered.</summary>
    public int? StatusCode { get; }

    /// <summary>Gets the provider's request id, when it sent one; quote it to the provider's support.</summary>
    public string? RequestId { get; }

    /// <summary>Gets how long the provider asked the caller to wait, when it said.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Gets a value indicating whether the failure was retryable under the error policy in force.</summary>
    public bool IsRetryable { get; }

    /// <summary>Gets the 1-based attempt number against this provider within the request.</summary>
    public int AttemptNumber { get; }

    /// <summary>Gets a hint on what to do about the failure.</summary>
    public string Hint { get; }

    /// <summary>Gets the provider's own description of the failure, with secrets masked.</summary>
    public string ProviderMessage { get; }

    private static string BuildMessage(string provider, string model, ProviderFailure failure, int attempt)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var status = failure.StatusCode is int code ? $" (HTTP {code})" : string.Empty;
        var hint = failure.Hint ?? ErrorHints.For(failure.Category);
        return $"Provider '{provider}' (model '{model}') failed on attempt {attempt}: {failure.Category}{status}: {failure.Message} Hint: {hint}";
    }
}
