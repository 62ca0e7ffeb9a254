namespace FlexiAI;

/// <summary>Records <c>retry-after</c>, <c>retry-after-ms</c>, <c>x-should-retry</c> and <c>request-id</c> of failed Anthropic responses.</summary>
internal sealed class AnthropicHeaderCaptureHandler(TimeProvider time) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Outside a capture scope (calls that are not chat requests) there is nothing to record: no async layer at all.
        var capture = ResponseHeaderCapture.Current;
        return capture is null ? base.SendAsync(request, cancellationToken) : SendAndRecordAsync(request, capture, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAndRecordAsync(HttpRequestMessage request, ResponseHeaderCapture capture, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
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
