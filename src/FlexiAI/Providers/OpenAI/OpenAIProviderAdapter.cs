using System.ClientModel;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>Classifies the OpenAI SDK's errors, checks keys by listing models, and describes OpenAI models.</summary>
public sealed class OpenAIProviderAdapter : ProviderAdapter
{
    /// <inheritdoc/>
    public override ProviderFailure Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is AggregateException { InnerExceptions.Count: > 0 } aggregate)
        {
            // The SDK surfaces exhausted transport retries as an AggregateException; the last one decides.
            return Classify(aggregate.InnerExceptions[^1]);
        }

        if (exception is not ClientResultException result)
        {
            return base.Classify(exception);
        }

        var response = result.GetRawResponse();
        if (result.Status == 0 || response is null)
        {
            return new ProviderFailure(ErrorCategory.Network, SecretMasker.Redact(result.Message));
        }

        var (message, type, code) = ReadError(response.Content?.ToString());
        var category = CategorizeStatus(result.Status);
        if (code is "context_length_exceeded" || message.Contains("maximum context length", StringComparison.OrdinalIgnoreCase))
        {
            category = ErrorCategory.ContextLengthExceeded;
        }
        else if (code is "content_filter" || type is "content_filter")
        {
            category = ErrorCategory.ContentFiltered;
        }
        else if (code is "model_not_found")
        {
            category = ErrorCategory.NotFound;
        }
        else if (code is "insufficient_quota")
        {
            category = ErrorCategory.PermissionDenied;
        }

        string? Header(string name) => response.Headers.TryGetValue(name, out var v) ? v : null;
        bool? shouldRetry = Header("x-should-retry") switch { "true" => true, "false" => false, _ => null };
        return new ProviderFailure(category, SecretMasker.Redact(string.IsNullOrEmpty(message) ? result.Message : message))
        {
            StatusCode = result.Status,
            RequestId = Header("x-request-id"),
            RetryAfter = ParseRetryAfter(Header("retry-after-ms"), Header("retry-after"), DateTimeOffset.UtcNow),
            ShouldRetry = shouldRetry,
        };
    }

    /// <inheritdoc/>
    /// <remarks>Lists models (free, no tokens) and then confirms the configured model exists.</remarks>
    public override async Task<CredentialCheckResult> ValidateCredentialsAsync(ProviderOptions provider, IChatClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        try
        {
            var sdk = OpenAIProviderFactory.CreateSdkClient(provider, handler: null);
            await sdk.GetOpenAIModelClient().GetModelAsync(provider.Model, cancellationToken).ConfigureAwait(false);
            return new CredentialCheckResult(provider.Name, CredentialStatus.Valid, $"The key is accepted and model '{provider.Model}' is available.");
        }
        catch (ConfigurationException ex)
        {
            return new CredentialCheckResult(provider.Name, CredentialStatus.Invalid, ex.Errors[0].Message, ErrorCategory.Authentication);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var failure = Classify(ex);
            var status = failure.Category switch
            {
                ErrorCategory.Authentication or ErrorCategory.PermissionDenied => CredentialStatus.Invalid,
                ErrorCategory.NotFound => CredentialStatus.Invalid,
                _ => CredentialStatus.Unknown,
            };
            var message = failure.Category == ErrorCategory.NotFound ? $"The key works but model '{provider.Model}' was not found." : $"{failure.Category}: {failure.Message}";
            return new CredentialCheckResult(provider.Name, status, message, failure.Category);
        }
    }

    /// <inheritdoc/>
    public override ProviderModelInfo DescribeModel(string model) => ModelCatalog.Describe(model);

    private static (string Message, string? Type, string? Code) ReadError(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return (string.Empty, null, null);
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                return (Str(error, "message") ?? string.Empty, Str(error, "type"), Str(error, "code"));
            }
        }
        catch (JsonException)
        {
        }

        return (body.Length > 300 ? body[..300] : body, null, null);
    }
}
