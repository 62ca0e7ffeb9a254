using System.ClientModel;
using System.Globalization;
using System.Text.Json;

namespace FlexiAI;

/// <summary>
/// Classifies Azure OpenAI's errors: OpenAI's shape (read by the OpenAI adapter) plus Azure's specifics — a content-filter
/// 400 (<c>code: content_filter</c>) is <see cref="ErrorCategory.ContentFiltered"/> and never retried, a missing deployment (404
/// <c>DeploymentNotFound</c>) is <see cref="ErrorCategory.NotFound"/> with a hint about deployment names, 429s honour
/// <c>retry-after-ms</c>, <c>Retry-After</c> and then <c>x-ratelimit-reset-requests</c>/<c>-tokens</c>, and a failed Microsoft Entra ID
/// token is <see cref="ErrorCategory.Authentication"/>. Credentials are checked with the generic one-token request (the data plane
/// has no free call that proves a deployment).
/// </summary>
/// <param name="context">The services the provider's client was created with.</param>
internal sealed class AzureOpenAIProviderAdapter(ProviderFactoryContext context) : ProviderAdapter
{
    private const string DeploymentHint =
        "On Azure OpenAI the model field names a deployment, not a model: use the deployment name shown under Deployments in the Azure AI Foundry portal for this resource (and check base_url names the right resource).";

    private readonly OpenAIProviderAdapter _openAI = new(context);

    /// <inheritdoc/>
    public override ProviderFailure Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is AzureCredentialException credential)
        {
            return new ProviderFailure(ErrorCategory.Authentication, credential.Message)
            {
                Hint = "Microsoft Entra ID gave no token: sign in (az login), assign the app a managed identity with the 'Cognitive Services OpenAI User' role, or configure a client secret — or use an API key.",
            };
        }

        var failure = _openAI.Classify(exception);
        if (exception is not ClientResultException { Status: > 0 } result || result.GetRawResponse() is not { } response)
        {
            return failure;
        }

        var (code, innerCode) = ReadCodes(response.Content?.ToString());
        var category = failure.Category;
        string? hint = null;
        if (code is "content_filter" || innerCode is "ResponsibleAIPolicyViolation")
        {
            category = ErrorCategory.ContentFiltered;
            hint = "Azure's content filter blocked the prompt (or the answer). Rephrase the request, or review the deployment's content filter configuration; FlexiAI does not retry it.";
        }
        else if (result.Status == 404)
        {
            category = ErrorCategory.NotFound;
            hint = DeploymentHint;
        }

        var retryAfter = failure.RetryAfter;
        if (retryAfter is null && result.Status == 429)
        {
            retryAfter = ParseReset(Header(response, "x-ratelimit-reset-requests")) ?? ParseReset(Header(response, "x-ratelimit-reset-tokens"));
        }

        return new ProviderFailure(category, failure.Message)
        {
            StatusCode = failure.StatusCode,
            RequestId = failure.RequestId ?? Header(response, "apim-request-id"),
            RetryAfter = retryAfter,
            ShouldRetry = category == ErrorCategory.ContentFiltered ? false : failure.ShouldRetry,
            Hint = hint,
        };
    }

    /// <inheritdoc/>
    public override ProviderModelInfo DescribeModel(string model) => AzureOpenAIModels.Table.Describe(model);

    /// <inheritdoc/>
    /// <remarks>Azure OpenAI takes what OpenAI takes (the same wire).</remarks>
    public override ProviderCapabilities DescribeCapabilities(string model) => OpenAIWireRules.Capabilities.For(DescribeModel(model));

    /// <summary>Parses a rate-limit reset: seconds (<c>12</c>, <c>1.5</c>) or a Go-style duration (<c>6m0s</c>, <c>250ms</c>).</summary>
    internal static TimeSpan? ParseReset(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        value = value.Trim();
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain))
        {
            return plain >= 0 && double.IsFinite(plain) ? TimeSpan.FromSeconds(plain) : null;
        }

        var total = TimeSpan.Zero;
        var i = 0;
        while (i < value.Length)
        {
            var start = i;
            while (i < value.Length && (char.IsAsciiDigit(value[i]) || value[i] == '.'))
            {
                i++;
            }

            if (start == i || !double.TryParse(value.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                return null;
            }

            var unitStart = i;
            while (i < value.Length && char.IsAsciiLetter(value[i]))
            {
                i++;
            }

            TimeSpan? part = value[unitStart..i] switch
            {
                "h" => TimeSpan.FromHours(number),
                "m" => TimeSpan.FromMinutes(number),
                "s" => TimeSpan.FromSeconds(number),
                "ms" => TimeSpan.FromMilliseconds(number),
                _ => null,
            };
            if (part is null || number > 1_000_000)
            {
                return null;
            }

            total += part.Value;
        }

        return total;
    }

    private static string? Header(System.ClientModel.Primitives.PipelineResponse response, string name) =>
        response.Headers.TryGetValue(name, out var value) ? value : null;

    private static (string? Code, string? InnerCode) ReadCodes(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return (null, null);
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                var inner = error.TryGetProperty("innererror", out var ie) && ie.ValueKind == JsonValueKind.Object ? Str(ie, "code") : null;
                return (Str(error, "code"), inner);
            }
        }
        catch (JsonException)
        {
        }

        return (null, null);
    }
}
