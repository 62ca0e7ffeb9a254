using System.Text.Json;
using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>
/// Classifies Gemini API errors (the same <c>google.rpc.Status</c> bodies as Vertex AI, read by the shared Gemini client) and
/// checks the key by reading the configured model (<c>GET {base}/{version}/models/{model}</c>: free, no tokens).
/// </summary>
/// <param name="context">The services the provider's client was created with; its HTTP handler carries the credential check.</param>
internal sealed class GeminiProviderAdapter(ProviderFactoryContext context) : ProviderAdapter
{
    private static readonly VertexAIProviderAdapter Gemini = new();

    /// <inheritdoc/>
    public override ProviderFailure Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var failure = Gemini.Classify(exception);
        if (failure.Category == ErrorCategory.NotFound && failure.Hint is null)
        {
            return new ProviderFailure(failure.Category, failure.Message)
            {
                StatusCode = failure.StatusCode,
                RequestId = failure.RequestId,
                RetryAfter = failure.RetryAfter,
                ShouldRetry = failure.ShouldRetry,
                Hint = "The Gemini API does not know this model (or the API version). Use a model name the Gemini API lists, e.g. \"" + GeminiModels.Example + "\", without a \"models/\" prefix.",
            };
        }

        return failure;
    }

    /// <inheritdoc/>
    public override ProviderModelInfo DescribeModel(string model) => GeminiModels.Table.Describe(model);

    /// <inheritdoc/>
    /// <remarks>Reads the configured model: proves the key and that the model exists.</remarks>
    protected override async Task<string> ProbeCredentialsAsync(ProviderOptions provider, IChatClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var endpoint = GeminiProviderFactory.CreateEndpoint(provider);
        using var http = GeminiProviderFactory.CreateHttpClient(provider, context);
        using var request = new HttpRequestMessage(HttpMethod.Get, endpoint.ModelUrl);
        request.Headers.TryAddWithoutValidation("x-goog-api-key", endpoint.ApiKey);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var (code, message) = ReadStatus(text);
            throw new VertexAIException(status, code, $"Gemini API returned HTTP {status}{(code is null ? string.Empty : " " + code)}: {SecretMasker.Redact(message)}");
        }

        return $"The key is accepted and model '{provider.Model}' is available.";
    }

    private static (string? Code, string Message) ReadStatus(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                var code = error.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                return (code, message ?? text);
            }
        }
        catch (JsonException)
        {
        }

        return (null, text.Length > 300 ? text[..300] : text);
    }
}
