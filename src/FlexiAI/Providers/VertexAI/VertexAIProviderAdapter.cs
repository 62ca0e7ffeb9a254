namespace FlexiAI;

/// <summary>Classifies Vertex AI errors and describes Gemini models; credentials are checked with the generic one-token request through the provider's client.</summary>
internal sealed class VertexAIProviderAdapter : ProviderAdapter
{
    /// <inheritdoc/>
    public override ProviderFailure Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is not VertexAIException vertex)
        {
            return base.Classify(exception);
        }

        var category = vertex.Status switch
        {
            "PROMPT_BLOCKED" => ErrorCategory.ContentFiltered,
            "UNAUTHENTICATED" => ErrorCategory.Authentication,
            "PERMISSION_DENIED" => ErrorCategory.PermissionDenied,
            "RESOURCE_EXHAUSTED" => ErrorCategory.RateLimited,
            "NOT_FOUND" => ErrorCategory.NotFound,
            "UNAVAILABLE" => ErrorCategory.Overloaded,
            "DEADLINE_EXCEEDED" => ErrorCategory.Timeout,
            "CANCELLED" => ErrorCategory.Cancelled,
            "INTERNAL" or "UNKNOWN" => ErrorCategory.ServerError,
            "INVALID_ARGUMENT" or "FAILED_PRECONDITION" or "OUT_OF_RANGE" => ErrorCategory.InvalidRequest,
            _ => vertex.StatusCode == 0 ? ErrorCategory.ServerError : CategorizeStatus(vertex.StatusCode),
        };
        if (category == ErrorCategory.InvalidRequest && vertex.Message.Contains("API key not valid", StringComparison.OrdinalIgnoreCase))
        {
            category = ErrorCategory.Authentication;
        }
        else if (category == ErrorCategory.InvalidRequest
            && (vertex.Message.Contains("token count", StringComparison.OrdinalIgnoreCase) || vertex.Message.Contains("exceeds the maximum number of tokens", StringComparison.OrdinalIgnoreCase)))
        {
            category = ErrorCategory.ContextLengthExceeded;
        }

        return new ProviderFailure(category, SecretMasker.Redact(vertex.Message))
        {
            StatusCode = vertex.StatusCode == 0 ? null : vertex.StatusCode,
            RequestId = vertex.RequestId,
            RetryAfter = vertex.RetryAfter,
        };
    }

    /// <inheritdoc/>
    public override ProviderModelInfo DescribeModel(string model) => VertexAIModels.Table.Describe(model);
}
