using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>Classifies Vertex AI errors, checks credentials with <c>countTokens</c>, and describes Gemini models.</summary>
public sealed class VertexAIProviderAdapter : ProviderAdapter
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
            "CANCELLED" => ErrorCategory.ServerError,
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
    public override async Task<CredentialCheckResult> ValidateCredentialsAsync(ProviderOptions provider, IChatClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            // The cheapest call that proves the credentials and the model: a one-token response.
            await client.GetResponseAsync([new ChatMessage(ChatRole.User, "ping")], new ChatOptions { MaxOutputTokens = 1 }, cancellationToken).ConfigureAwait(false);
            return new CredentialCheckResult(provider.Name, CredentialStatus.Valid, $"The credentials are accepted and model '{provider.Model}' answers.");
        }
        catch (ConfigurationException ex)
        {
            return new CredentialCheckResult(provider.Name, CredentialStatus.Invalid, ex.Errors[0].Message, ErrorCategory.Authentication);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var failure = Classify(ex);
            var status = failure.Category is ErrorCategory.Authentication or ErrorCategory.PermissionDenied or ErrorCategory.NotFound
                ? CredentialStatus.Invalid
                : CredentialStatus.Unknown;
            return new CredentialCheckResult(provider.Name, status, $"{failure.Category}: {failure.Message}", failure.Category);
        }
    }

    /// <inheritdoc/>
    public override ProviderModelInfo DescribeModel(string model) => ModelCatalog.Describe(model);
}
