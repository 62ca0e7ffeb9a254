using System.ClientModel;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>Classifies the OpenAI SDK's errors, checks keys by reading the configured model, and describes OpenAI models.</summary>
/// <param name="context">The services the provider's client was created with: its clock dates <c>Retry-After</c>, its HTTP handler carries the credential check.</param>
internal sealed class OpenAIProviderAdapter(ProviderFactoryContext context) : ProviderAdapter
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
            RetryAfter = ParseRetryAfter(Header("retry-after-ms"), Header("retry-after"), context.TimeProvider.GetUtcNow()),
            ShouldRetry = shouldRetry,
        };
    }

    /// <inheritdoc/>
    public override ProviderModelInfo DescribeModel(string model) => OpenAIModels.Table.Describe(model);

    /// <inheritdoc/>
    public override ProviderCapabilities DescribeCapabilities(string model) => OpenAIWireRules.Capabilities.For(DescribeModel(model));

    /// <inheritdoc/>
    /// <remarks>Reads the configured model (free, no tokens): proves the key and that the model exists.</remarks>
    protected override async Task<string> ProbeCredentialsAsync(ProviderOptions provider, IChatClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        using var http = context.HttpMessageHandler is { } handler ? new HttpClient(handler, disposeHandler: false) : null;
        var sdk = OpenAIProviderFactory.CreateSdkClient(provider, http);
        await sdk.GetOpenAIModelClient().GetModelAsync(provider.Model, cancellationToken).ConfigureAwait(false);
        return $"The key is accepted and model '{provider.Model}' is available.";
    }

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
