namespace FlexiAI;

/// <summary>Records <c>retry-after</c>, <c>retry-after-ms</c>, <c>x-should-retry</c> and <c>request-id</c> of failed Anthropic responses.</summary>
internal sealed class AnthropicHeaderCaptureHandler(TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode && ResponseHeaderCapture.Current is { } capture)
        {
            capture.RetryAfter = ProviderAdapter.ParseRetryAfter(response.Headers, time.GetUtcNow());
            capture.ShouldRetry = response.Headers.TryGetValues("x-should-retry", out var values)
                ? values.FirstOrDefault() switch { "true" => true, "false" => false, _ => null }
                : null;
            capture.RequestId = response.Headers.TryGetValues("request-id", out var ids) ? ids.FirstOrDefault() : null;
        }

        return response;
    }
}
