using System.Net;
using System.Text;
using Microsoft.Extensions.AI;

namespace FlexiAI.Reliability.Fuzzing;

/// <summary>
/// Every crash the fuzzer found, as a plain regression test (the inputs are also kept in Fuzzing/corpus/crashes and replayed).
/// Each failed before its fix in src/.
/// </summary>
public sealed class FuzzRegressionTests
{
    [Theory]
    [InlineData("1E+300", null)]
    [InlineData(null, "1e300")]
    [InlineData("1.7976931348623157E+308", null)]
    public void A_huge_retry_after_is_the_longest_delay_not_an_OverflowException(string? retryAfterMs, string? retryAfter)
    {
        Assert.Equal(TimeSpan.MaxValue, ProviderAdapter.ParseRetryAfter(retryAfterMs, retryAfter, DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public async Task A_429_with_a_huge_retry_after_is_rate_limited_and_fails_over_at_once()
    {
        using var client = VertexClient(_ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests)
            {
                Content = new StringContent("""{"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED"}}"""),
            };
            response.Headers.TryAddWithoutValidation("retry-after-ms", "1e300");
            return response;
        });

        var error = await Assert.ThrowsAsync<AllProvidersFailedException>(() => client.GetResponseAsync("hi"));

        var attempt = Assert.IsType<ProviderException>(Assert.Single(error.Errors));
        Assert.Equal(ErrorCategory.RateLimited, attempt.Category);
        Assert.Equal(TimeSpan.MaxValue, attempt.RetryAfter);
    }

    [Fact]
    public void An_invalid_vertex_location_is_a_configuration_error_with_its_path()
    {
        var options = new FlexiAIOptions();
        var provider = new ProviderOptions { Name = "vertexai", Model = "gemini-2.0-flash" };
        provider.Settings["project"] = "p";
        provider.Settings["location"] = "!!!";
        options.Providers.Add(provider);

        var error = Assert.Throws<ConfigurationException>(() => new FlexiAIClient(options, new FlexiAIClientOptions { EnvironmentVariables = _ => null }));

        Assert.EndsWith(".config.location", Assert.Single(error.Errors).Path, StringComparison.Ordinal);
        Assert.Contains("us-central1", error.Errors[0].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""[{"candidates":[{"content":{"role":"model","parts":[{"text":"Hi"}]},"finishReason":"STOP"}]}]""")]
    [InlineData("67")]
    [InlineData("""{"candidates":[{"content":{"role":"model","parts":[{"inlineData":{"mimeType":"image/png","data":"1e400"}}]},"finishReason":"STOP"}]}""")]
    [InlineData("""{"candidates":[{"content":{"role":"model","parts":[{"inlineData":{"mimeType":"!!!","data":"aGVsbG8="}}]},"finishReason":"STOP"}]}""")]
    [InlineData("""{"candidates":[{"content":"text"}]}""")]
    [InlineData("""{"candidates":[7]}""")]
    [InlineData("""{"candidates":[{"content":{"parts":[3]}}]}""")]
    public async Task A_vertex_response_of_the_wrong_shape_is_a_ServerError_not_an_unclassified_crash(string body)
    {
        using var client = VertexClient(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });

        var error = await Assert.ThrowsAsync<AllProvidersFailedException>(() => client.GetResponseAsync("hi"));

        Assert.Equal(ErrorCategory.ServerError, Assert.IsType<ProviderException>(Assert.Single(error.Errors)).Category);
    }

    [Fact]
    public async Task A_vertex_error_body_whose_code_is_not_a_number_keeps_its_status()
    {
        using var client = VertexClient(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent("""{"error":{"code":"infinite","message":"busy","status":"UNAVAILABLE"}}""", Encoding.UTF8, "application/json"),
        });

        var error = await Assert.ThrowsAsync<AllProvidersFailedException>(() => client.GetResponseAsync("hi"));

        Assert.Equal(ErrorCategory.Overloaded, Assert.IsType<ProviderException>(Assert.Single(error.Errors)).Category);
    }

    [Fact]
    public async Task A_vertex_stream_event_that_is_not_an_object_is_a_ServerError()
    {
        using var client = VertexClient(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(": keep-alive\n\ndata: 67\n\n", Encoding.UTF8, "text/event-stream") });

        var error = await Assert.ThrowsAsync<AllProvidersFailedException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]))
            {
                _ = update;
            }
        });

        Assert.Equal(ErrorCategory.ServerError, Assert.IsType<ProviderException>(Assert.Single(error.Errors)).Category);
    }

    private static FlexiAIClient VertexClient(Func<HttpRequestMessage, HttpResponseMessage> answer)
    {
        var options = new FlexiAIOptions();
        options.Retry.MaxAttempts = 1;
        var provider = new ProviderOptions { Name = "vertexai", Model = "gemini-3.5-flash", BaseUrl = new Uri("http://vertex.test.invalid") };
        provider.Settings["project"] = "p";
        provider.Settings["access_token"] = "t";
        options.Providers.Add(provider);
        return new FlexiAIClient(options, new FlexiAIClientOptions { EnvironmentVariables = _ => null, HttpMessageHandler = new Handler(answer) });
    }

    private sealed class Handler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.FromResult(answer(request));
    }
}
