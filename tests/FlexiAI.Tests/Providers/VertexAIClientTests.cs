using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace FlexiAI.Tests.Providers;

/// <summary>Vertex AI client details that need no server: endpoints, auth selection, request mapping edge cases, error reading.</summary>
public sealed class VertexAIClientTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static ProviderOptions Provider(Action<ProviderOptions>? configure = null)
    {
        var provider = new ProviderOptions { Name = "gemini", Type = "vertexai", Model = "gemini-2.5-flash" };
        provider.Settings["project"] = "my-project";
        configure?.Invoke(provider);
        return provider;
    }

    [Fact]
    public void Regional_global_and_express_endpoints()
    {
        var regional = VertexAIProviderFactory.CreateEndpoint(Provider(p => p.Settings["location"] = "europe-west4"), null);
        Assert.Equal("https://europe-west4-aiplatform.googleapis.com/v1/projects/my-project/locations/europe-west4/publishers/google/models/gemini-2.5-flash:generateContent", regional.Url("generateContent").AbsoluteUri);

        var global = VertexAIProviderFactory.CreateEndpoint(Provider(p => p.Settings["location"] = "global"), null);
        Assert.StartsWith("https://aiplatform.googleapis.com/v1/projects/my-project/locations/global/", global.Url("generateContent").AbsoluteUri, StringComparison.Ordinal);

        var express = VertexAIProviderFactory.CreateEndpoint(Provider(p => { p.Settings.Remove("project"); p.ApiKey = "AIza-express-key"; }), null);
        Assert.Equal("https://aiplatform.googleapis.com/v1/publishers/google/models/gemini-2.5-flash:streamGenerateContent", express.Url("streamGenerateContent").AbsoluteUri);
        Assert.Equal("AIza-express-key", express.ApiKey);
        Assert.Null(express.AccessToken);
    }

    [Fact]
    public void The_plans_not_used_key_means_google_credentials_and_a_missing_project_is_explained()
    {
        var endpoint = VertexAIProviderFactory.CreateEndpoint(Provider(p => p.ApiKey = "not-used"), null);
        Assert.Null(endpoint.ApiKey);
        Assert.NotNull(endpoint.AccessToken);

        var error = Assert.Throws<ConfigurationException>(() => VertexAIProviderFactory.CreateEndpoint(Provider(p => p.Settings.Remove("project")), null));
        Assert.Equal("providers[name=gemini].config.project", error.Errors[0].Path);
        Assert.Contains("GOOGLE_CLOUD_PROJECT", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_delegate_is_used_lazily_for_every_request()
    {
        var calls = 0;
        var handler = new RecordingHandler("""{"candidates":[{"content":{"role":"model","parts":[{"text":"ok"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":2,"candidatesTokenCount":1,"totalTokenCount":3},"modelVersion":"gemini-2.5-flash","responseId":"r1"}""");
        var factory = new VertexAIProviderFactory(_ => { calls++; return Task.FromResult("ya29.delegate-token"); });
        using var client = factory.CreateClient(Provider(), new ProviderFactoryContext(TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, handler));
        Assert.Equal(0, calls);

        var response = await client.GetResponseAsync("Hi", cancellationToken: Token);

        Assert.Equal("ok", response.Text);
        Assert.Equal(1, calls);
        Assert.Equal("Bearer ya29.delegate-token", handler.Authorization);
        Assert.Equal(3, response.Usage!.TotalTokenCount);
    }

    [Fact]
    public async Task A_failing_token_source_is_an_authentication_error_with_the_fix()
    {
        var handler = new RecordingHandler("{}");
        var factory = new VertexAIProviderFactory(_ => throw new InvalidOperationException("no credentials found"));
        using var client = factory.CreateClient(Provider(), new ProviderFactoryContext(TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, handler));

        var error = await Assert.ThrowsAsync<VertexAIException>(() => client.GetResponseAsync("Hi", cancellationToken: Token));

        Assert.Equal("UNAUTHENTICATED", error.Status);
        Assert.Contains("gcloud auth application-default login", error.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.Authentication, new VertexAIProviderAdapter().Classify(error).Category);
        Assert.Null(handler.Authorization);
    }

    [Fact]
    public void Request_mapping_merges_turns_wraps_scalar_results_and_refuses_unknown_content()
    {
        List<ChatMessage> messages =
        [
            new(ChatRole.System, "One."),
            new(ChatRole.System, "Two."),
            new(ChatRole.User, "a"),
            new(ChatRole.User, "b"),
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "lookup", new Dictionary<string, object?> { ["q"] = "x" })]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", 42)]),
            new(ChatRole.User, [new UriContent(new Uri("gs://bucket/file.pdf"), "application/pdf")]),
        ];

        var body = JsonNode.Parse(VertexAIRequestWriter.Write("gemini", messages, new ChatOptions { ResponseFormat = ChatResponseFormat.Json }, null))!;

        Assert.Equal("One.\n\nTwo.", body["systemInstruction"]!["parts"]![0]!["text"]!.GetValue<string>());
        var contents = body["contents"]!.AsArray();
        Assert.Equal(["user", "model", "user"], contents.Select(c => c!["role"]!.GetValue<string>()));
        Assert.Equal(2, contents[0]!["parts"]!.AsArray().Count);
        Assert.Equal("lookup", contents[2]!["parts"]![0]!["functionResponse"]!["name"]!.GetValue<string>());
        Assert.Equal(42, contents[2]!["parts"]![0]!["functionResponse"]!["response"]!["result"]!.GetValue<int>());
        Assert.Equal("gs://bucket/file.pdf", contents[2]!["parts"]![1]!["fileData"]!["fileUri"]!.GetValue<string>());
        Assert.Equal("application/json", body["generationConfig"]!["responseMimeType"]!.GetValue<string>());

        var error = Assert.Throws<RequestValidationException>(() => VertexAIRequestWriter.Write("gemini", [new(ChatRole.User, [new HostedFileContent("file-1")])], null, null));
        Assert.Contains("Provider 'gemini' (vertexai) cannot take HostedFileContent", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, "RESOURCE_EXHAUSTED", ErrorCategory.RateLimited)]
    [InlineData(HttpStatusCode.ServiceUnavailable, "UNAVAILABLE", ErrorCategory.Overloaded)]
    [InlineData(HttpStatusCode.Unauthorized, "UNAUTHENTICATED", ErrorCategory.Authentication)]
    [InlineData(HttpStatusCode.NotFound, "NOT_FOUND", ErrorCategory.NotFound)]
    [InlineData(HttpStatusCode.GatewayTimeout, "DEADLINE_EXCEEDED", ErrorCategory.Timeout)]
    public async Task Error_bodies_are_read_and_classified_without_echoing_the_key(HttpStatusCode status, string name, ErrorCategory category)
    {
        const string Key = "AIzaSyThisIsAnExpressModeKey0123456789ab";
        var handler = new RecordingHandler("{\"error\":{\"code\":" + (int)status + ",\"message\":\"Bad key " + Key + "\",\"status\":\"" + name + "\"}}", status) { RetryAfter = "3" };
        using var client = new VertexAIProviderFactory().CreateClient(Provider(p => { p.Settings.Remove("project"); p.ApiKey = Key; }), new ProviderFactoryContext(TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, handler));

        var error = await Assert.ThrowsAsync<VertexAIException>(() => client.GetResponseAsync("Hi", cancellationToken: Token));

        var failure = new VertexAIProviderAdapter().Classify(error);
        Assert.Equal(category, failure.Category);
        Assert.Equal((int)status, failure.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), failure.RetryAfter);
        Assert.DoesNotContain(Key, error.Message, StringComparison.Ordinal);
        Assert.Equal(Key, handler.ApiKeyHeader);
    }

    [Fact]
    public void Token_limit_messages_are_context_length_errors()
    {
        var error = new VertexAIException(400, "INVALID_ARGUMENT", "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).");

        Assert.Equal(ErrorCategory.ContextLengthExceeded, new VertexAIProviderAdapter().Classify(error).Category);
    }

    [Fact]
    public async Task Concurrent_requests_share_one_credential_lookup_and_keep_its_success()
    {
        var lookups = 0;
        var pending = new TaskCompletionSource<Google.Apis.Auth.OAuth2.ITokenAccess>(TaskCreationOptions.RunContinuationsAsynchronously);
        var tokens = VertexAIProviderFactory.CachedTokens(() =>
        {
            Interlocked.Increment(ref lookups);
            return pending.Task;
        });

        var waiting = Enumerable.Range(0, 3).Select(_ => tokens(Token)).ToArray();
        Assert.Equal(1, lookups);
        pending.SetResult(new FixedToken("ya29.shared"));

        Assert.All(await Task.WhenAll(waiting), t => Assert.Equal("ya29.shared", t));
        Assert.Equal("ya29.shared", await tokens(Token));
        Assert.Equal(1, lookups);
    }

    [Fact]
    public async Task A_cancelled_request_stops_waiting_without_cancelling_the_shared_lookup()
    {
        var pending = new TaskCompletionSource<Google.Apis.Auth.OAuth2.ITokenAccess>(TaskCreationOptions.RunContinuationsAsynchronously);
        var tokens = VertexAIProviderFactory.CachedTokens(() => pending.Task);
        using var cancel = new CancellationTokenSource();

        var cancelled = tokens(cancel.Token);
        var other = tokens(Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        pending.SetResult(new FixedToken("ya29.still-good"));
        Assert.Equal("ya29.still-good", await other);
    }

    private sealed class FixedToken(string token) : Google.Apis.Auth.OAuth2.ITokenAccess
    {
        public Task<string> GetAccessTokenForRequestAsync(string? authUri = null, CancellationToken cancellationToken = default) => Task.FromResult(token);
    }

    private sealed class RecordingHandler(string body, HttpStatusCode status = HttpStatusCode.OK) : HttpMessageHandler
    {
        public string? Authorization { get; private set; }

        public string? ApiKeyHeader { get; private set; }

        public string? RetryAfter { get; init; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Authorization = request.Headers.Authorization?.ToString();
            ApiKeyHeader = request.Headers.TryGetValues("x-goog-api-key", out var values) ? values.First() : null;
            var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            if (RetryAfter is not null)
            {
                response.Headers.TryAddWithoutValidation("Retry-After", RetryAfter);
            }

            return Task.FromResult(response);
        }
    }
}
