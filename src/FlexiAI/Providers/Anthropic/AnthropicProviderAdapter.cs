using Anthropic.Exceptions;
using Anthropic.Models.Models;
using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>Classifies the Anthropic SDK's errors (with <c>Retry-After</c> from FlexiAI's HTTP handler), checks keys by listing models, and describes Claude models.</summary>
/// <param name="context">The services the provider's client was created with; its HTTP handler carries the credential check.</param>
internal sealed class AnthropicProviderAdapter(ProviderFactoryContext context) : ProviderAdapter
{
    /// <inheritdoc/>
    public override ProviderFailure Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var retryAfter = ResponseHeaderCapture.ReadRetryAfter(exception);
        var shouldRetry = ResponseHeaderCapture.ReadShouldRetry(exception);
        switch (exception)
        {
            case AnthropicApiException api:
            {
                var status = (int)api.StatusCode;
                var message = SecretMasker.Redact(api.ApiMessage ?? api.Message);
                return new ProviderFailure(Categorize(api.ErrorCode, status, message), message)
                {
                    StatusCode = status,
                    RequestId = api.RequestID ?? exception.Data[ResponseHeaderCapture.RequestIdKey] as string,
                    RetryAfter = retryAfter,
                    ShouldRetry = shouldRetry,
                };
            }

            case AnthropicSseException sse:
            {
                // A mid-stream `event: error` (e.g. overloaded_error) after a 200 response.
                var message = SecretMasker.Redact(sse.ApiMessage ?? sse.Message);
                // The SDK leaves ErrorCode empty for some events; the raw event (in the message) still names the error type.
                var type = string.IsNullOrEmpty(sse.ErrorCode?.ToString()) ? SseErrorType(sse.Message) : sse.ErrorCode?.ToString();
                return new ProviderFailure(Categorize(type, 0, message), "Stream error event: " + message);
            }

            case AnthropicIOException io:
                return new ProviderFailure(ErrorCategory.Network, SecretMasker.Redact(io.Message));

            case AnthropicInvalidDataException invalid:
                return new ProviderFailure(ErrorCategory.ServerError, "Anthropic returned data the SDK could not read: " + SecretMasker.Redact(invalid.Message));

            default:
                return base.Classify(exception);
        }
    }

    /// <inheritdoc/>
    public override ProviderModelInfo DescribeModel(string model) => AnthropicModels.Table.Describe(model);

    /// <inheritdoc/>
    public override ProviderCapabilities DescribeCapabilities(string model) => AnthropicWireRules.Capabilities.For(DescribeModel(model));

    /// <inheritdoc/>
    /// <remarks>Lists models (free, no tokens).</remarks>
    protected override async Task<string> ProbeCredentialsAsync(ProviderOptions provider, IChatClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        AnthropicProviderFactory.ThrowIfNoKey(provider);
        var handler = context.HttpMessageHandler;
        using var http = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: handler is null) { Timeout = Timeout.InfiniteTimeSpan };
        using var sdk = AnthropicProviderFactory.CreateSdkClient(provider, http);
        await sdk.Models.List(new ModelListParams(), cancellationToken).ConfigureAwait(false);
        return "The key is accepted (models listed).";
    }

    private static ErrorCategory Categorize(string? errorType, int status, string message)
    {
        if (message.Contains("prompt is too long", StringComparison.OrdinalIgnoreCase) || message.Contains("context window", StringComparison.OrdinalIgnoreCase))
        {
            return ErrorCategory.ContextLengthExceeded;
        }

        return errorType switch
        {
            "overloaded_error" => ErrorCategory.Overloaded,
            "rate_limit_error" => ErrorCategory.RateLimited,
            "authentication_error" => ErrorCategory.Authentication,
            "permission_error" or "billing_error" => ErrorCategory.PermissionDenied,
            "not_found_error" => ErrorCategory.NotFound,
            "invalid_request_error" or "request_too_large" => ErrorCategory.InvalidRequest,
            "timeout_error" => ErrorCategory.Timeout,
            "api_error" => ErrorCategory.ServerError,
            _ => status == 0 ? ErrorCategory.ServerError : CategorizeStatus(status),
        };
    }

    private static string? SseErrorType(string message)
    {
        const string Marker = "\"error\":{\"type\":\"";
        var compact = message.Replace(" ", string.Empty, StringComparison.Ordinal);
        var at = compact.IndexOf(Marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var start = at + Marker.Length;
        var end = compact.IndexOf('"', start);
        return end > start ? compact[start..end] : null;
    }
}
