using System.Text;
using Azure.Core;
using FlexiAI.Emulator;
using FlexiAI.Tests.EndToEnd;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace FlexiAI.Tests.Providers;

/// <summary>
/// What the added provider types put on the wire and how their errors are classified: Azure's two API modes, keys and Entra ID
/// tokens; an OpenAI-compatible server's capabilities and quirks; Ollama's pulled models; the Gemini API's paths and key.
/// </summary>
public sealed class AddedProviderWireTests(MoreProvidersFixture fixture) : IClassFixture<MoreProvidersFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<ProviderException> SingleFailureAsync(FlexiAIClient client, string prompt = "Hi")
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => client.GetResponseAsync(prompt, cancellationToken: Token));
        return error switch
        {
            ProviderException provider => provider,
            AllProvidersFailedException all => Assert.IsType<ProviderException>(Assert.Single(all.Errors)),
            _ => throw new Xunit.Sdk.XunitException($"Unexpected {error.GetType().Name}: {error.Message}"),
        };
    }

    // ---- Azure OpenAI ----

    [Fact]
    public async Task Azure_v1_sends_the_deployment_as_model_with_the_api_key_header()
    {
        using var client = MoreProvidersFixture.Client(fixture.Options("azure_openai"));

        await client.GetResponseAsync("Hi", cancellationToken: Token);

        var entry = fixture.Host["azure"].Journal.Last!;
        Assert.Equal("/openai/v1/chat/completions", entry.Path);
        Assert.Equal(MoreProvidersFixture.Deployment, entry.Json()!["model"]!.GetValue<string>());
        Assert.Equal("***", entry.Headers["api-key"]);
        Assert.False(entry.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task Azure_with_an_api_version_uses_the_classic_deployments_path()
    {
        using var client = MoreProvidersFixture.Client(fixture.Options("azure_classic"));

        await client.GetResponseAsync("Hi", cancellationToken: Token);

        var entry = fixture.Host["azure"].Journal.Last!;
        Assert.Equal($"/openai/deployments/{MoreProvidersFixture.Deployment}/chat/completions", entry.Path);
        Assert.Equal("?api-version=2024-10-21", entry.Query);
    }

    [Theory]
    [InlineData("azure_openai")]
    [InlineData("azure_classic")]
    public async Task Azure_content_filter_is_content_filtered_never_retried_and_not_failed_over(string kind)
    {
        var options = fixture.Options(kind, "openai");
        options.Retry.MaxAttempts = 3;
        using var client = MoreProvidersFixture.Client(options);

        var error = await SingleFailureAsync(client, "tell me something [[filtered]]");

        Assert.Equal((ErrorCategory.ContentFiltered, 400, false), (error.Category, error.StatusCode, error.IsRetryable));
        Assert.Contains("content filter", error.Hint, StringComparison.Ordinal);
        Assert.Equal((1, 0), (fixture.Host["azure"].Journal.Count, fixture.Host["openai"].Journal.Count));
    }

    [Fact]
    public async Task Azure_content_filter_fault_body_is_classified_too()
    {
        using var client = MoreProvidersFixture.Client(fixture.Options("azure_openai"));
        fixture.Host["azure"].Faults.FailNext(1, Fault.AzureContentFilter());

        var error = await SingleFailureAsync(client);

        Assert.Equal(ErrorCategory.ContentFiltered, error.Category);
    }

    [Theory]
    [InlineData("azure_openai")]
    [InlineData("azure_classic")]
    public async Task Azure_unknown_deployment_is_not_found_with_a_deployment_name_hint(string kind)
    {
        var options = fixture.Options(kind);
        options.Providers[0].Model = "gpt-4o-typo";
        using var client = MoreProvidersFixture.Client(options);

        var error = await SingleFailureAsync(client);

        Assert.Equal((ErrorCategory.NotFound, 404), (error.Category, error.StatusCode));
        Assert.Contains("deployment", error.Hint, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Azure_429_honours_retry_after_ms_with_a_retry_on_the_same_deployment()
    {
        var options = fixture.Options("azure_openai");
        options.Retry.MaxAttempts = 2;
        using var client = MoreProvidersFixture.Client(options);
        fixture.Host["azure"].Faults.FailNext(1, Fault.Status(429, retryAfterMs: TimeSpan.FromMilliseconds(20)));

        var response = await client.GetResponseAsync("Hi", cancellationToken: Token);

        Assert.Equal([AttemptOutcome.Failed, AttemptOutcome.Succeeded], response.GetRoute().Attempts.Select(a => a.Outcome));
        Assert.Equal(ErrorCategory.RateLimited, response.GetRoute().Attempts[0].Category);
        Assert.Equal(2, fixture.Host["azure"].Journal.Count);
    }

    [Theory]
    [InlineData("6m0s", 360_000)]
    [InlineData("250ms", 250)]
    [InlineData("1.5", 1_500)]
    [InlineData("1m30s", 90_000)]
    public void Azure_rate_limit_reset_headers_parse_as_delays(string value, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), AzureOpenAIProviderAdapter.ParseReset(value));

    [Theory]
    [InlineData("soon")]
    [InlineData("5x")]
    [InlineData("")]
    public void Azure_rate_limit_reset_headers_that_are_not_durations_are_ignored(string value) =>
        Assert.Null(AzureOpenAIProviderAdapter.ParseReset(value));

    [Fact]
    public async Task Azure_wrong_key_is_an_authentication_failure_without_echoing_it()
    {
        var options = fixture.Options();
        options.Providers.Add(fixture.Provider("azure_openai", 1, key: "wrong-key-000000000000"));
        using var client = MoreProvidersFixture.Client(options);

        var error = await SingleFailureAsync(client);

        Assert.Equal((ErrorCategory.Authentication, 401), (error.Category, error.StatusCode));
        Assert.DoesNotContain("wrong-key-000000000000", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("azure_openai")]
    [InlineData("azure_classic")]
    public async Task Azure_entra_id_tokens_are_sent_cached_and_refreshed_before_they_expire(string kind)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        var credential = new ExpiringCredential(time, TimeSpan.FromHours(1));
        var options = fixture.Options();
        var provider = fixture.Provider(kind, 1, key: null);
        provider.BaseUrl = fixture.Host["azure-entra"].BaseUrl;
        options.Providers.Add(provider);
        var instance = fixture.Host["azure-entra"].Options;
        instance.BearerToken = "entra-token-1";
        using var client = MoreProvidersFixture.Client(options, time, new AzureOpenAIProviderFactory(credential));

        await client.GetResponseAsync("one", cancellationToken: Token);
        time.Advance(TimeSpan.FromMinutes(50));
        await client.GetResponseAsync("two", cancellationToken: Token);
        Assert.Equal(1, credential.Calls);

        // Past the refresh point (five minutes before expiry) the client asks for a new token; the old one no longer works.
        time.Advance(TimeSpan.FromMinutes(6));
        instance.BearerToken = "entra-token-2";
        await client.GetResponseAsync("three", cancellationToken: Token);

        Assert.Equal(2, credential.Calls);
        Assert.Equal(["Bearer ***", "Bearer ***", "Bearer ***"], fixture.Host["azure-entra"].Journal.Entries.Select(e => e.Headers["Authorization"]));
        Assert.All(fixture.Host["azure-entra"].Journal.Entries, e => Assert.False(e.Headers.ContainsKey("api-key")));
        Assert.Equal("https://cognitiveservices.azure.com/.default", Assert.Single(credential.Scopes.Distinct()));
    }

    [Fact]
    public async Task Azure_entra_id_token_rejected_by_the_service_is_an_authentication_failure()
    {
        var time = new FakeTimeProvider();
        var options = fixture.Options();
        var provider = fixture.Provider("azure_openai", 1, key: null);
        provider.BaseUrl = fixture.Host["azure-entra"].BaseUrl;
        options.Providers.Add(provider);
        fixture.Host["azure-entra"].Options.BearerToken = "some-other-token";
        using var client = MoreProvidersFixture.Client(options, time, new AzureOpenAIProviderFactory(new ExpiringCredential(time, TimeSpan.FromHours(1))));

        var error = await SingleFailureAsync(client);

        Assert.Equal((ErrorCategory.Authentication, 401), (error.Category, error.StatusCode));
    }

    [Fact]
    public async Task Azure_entra_id_credential_failure_is_an_authentication_failure_before_any_request()
    {
        var options = fixture.Options();
        var provider = fixture.Provider("azure_openai", 1, key: null);
        provider.BaseUrl = fixture.Host["azure-entra"].BaseUrl;
        options.Providers.Add(provider);
        using var client = MoreProvidersFixture.Client(options, null, new AzureOpenAIProviderFactory(new FailingCredential()));

        var error = await SingleFailureAsync(client);

        Assert.Equal(ErrorCategory.Authentication, error.Category);
        Assert.Contains("Entra ID", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, fixture.Host["azure-entra"].Journal.Count);
    }

    // ---- OpenAI-compatible ----

    [Fact]
    public async Task Compatible_without_a_key_sends_no_authorization_and_sends_the_extra_headers()
    {
        using var client = MoreProvidersFixture.Client(fixture.Options("openai_compatible"));

        await client.GetResponseAsync("Hi", cancellationToken: Token);

        var entry = fixture.Host["compatible"].Journal.Last!;
        Assert.Equal("/v1/chat/completions", entry.Path);
        Assert.False(entry.Headers.ContainsKey("Authorization"));
        Assert.Equal("search", entry.Headers["X-Team"]);
    }

    public static TheoryData<string, string> Capabilities => new()
    {
        { "tools", "options.Tools" },
        { "json_schema", "options.ResponseFormat" },
        { "images", "messages[0].Contents[1]" },
    };

    [Theory]
    [MemberData(nameof(Capabilities))]
    public async Task Compatible_refuses_a_request_needing_an_undeclared_capability_before_sending(string capability, string parameter)
    {
        var options = fixture.Options("openai_compatible");
        options.Providers[0].Settings["capabilities:" + capability] = "false";
        using var client = MoreProvidersFixture.Client(options);
        var message = new ChatMessage(ChatRole.User, [new TextContent("Look"), new DataContent(new byte[] { 1, 2, 3 }, "image/png")]);
        var chat = capability switch
        {
            "tools" => new ChatOptions { Tools = [AIFunctionFactory.Create(() => "x", "noop")] },
            "json_schema" => new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(System.Text.Json.JsonDocument.Parse("""{"type":"object"}""").RootElement, "thing") },
            _ => null,
        };
        List<ChatMessage> messages = capability == "images" ? [message] : [new(ChatRole.User, "Hi")];

        var error = await Assert.ThrowsAsync<RequestValidationException>(() => client.GetResponseAsync(messages, chat, Token));

        Assert.Equal(parameter, error.Parameter);
        Assert.Contains("(openai_compatible) cannot take", error.Message, StringComparison.Ordinal);
        Assert.Contains("config.capabilities", error.Message, StringComparison.Ordinal);
        Assert.Contains("openai_compatible", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, fixture.Host["compatible"].Journal.Count);
    }

    [Fact]
    public async Task Compatible_takes_images_once_declared()
    {
        var options = fixture.Options("openai_compatible");
        options.Providers[0].Settings["capabilities:images"] = "true";
        using var client = MoreProvidersFixture.Client(options);
        var message = new ChatMessage(ChatRole.User, [new TextContent("Look"), new DataContent(new byte[] { 1, 2, 3 }, "image/png")]);

        var response = await client.GetResponseAsync([message], cancellationToken: Token);

        Assert.Equal("openai_compatible", response.GetRoute().Provider);
    }

    [Fact]
    public async Task Compatible_quirky_server_streams_when_stream_usage_is_declared_false()
    {
        var options = fixture.Options();
        var provider = fixture.Provider("openai_compatible", 1, key: null);
        provider.BaseUrl = fixture.Host["quirky"].BaseUrl;
        provider.ApiKey = MoreProvidersFixture.Key;
        provider.Settings["capabilities:stream_usage"] = "false";
        options.Providers.Add(provider);
        using var client = MoreProvidersFixture.Client(options);
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        UsageDetails? usage = null;

        await foreach (var update in client.GetStreamingResponseAsync("Hi", cancellationToken: Token))
        {
            text.Append(update.Text);
            finish ??= update.FinishReason;
            usage ??= update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details;
        }

        Assert.Equal("Hello from quirky. You said: \"Hi\". This is a deterministic reply from the FlexiAI emulator.", text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.Null(usage);
        var body = fixture.Host["quirky"].Journal.Last!.Json()!.AsObject();
        Assert.False(body.ContainsKey("stream_options"));
        Assert.Equal("Bearer ***", fixture.Host["quirky"].Journal.Last!.Headers["Authorization"]);
    }

    [Fact]
    public async Task Compatible_server_rejecting_stream_options_is_an_invalid_request_with_the_fix_as_hint()
    {
        var options = fixture.Options();
        var provider = fixture.Provider("openai_compatible", 1, key: null);
        provider.BaseUrl = fixture.Host["quirky"].BaseUrl;
        provider.ApiKey = MoreProvidersFixture.Key;
        options.Providers.Add(provider);
        using var client = MoreProvidersFixture.Client(options);

        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("Hi", cancellationToken: Token))
            {
            }
        });

        var failure = error as ProviderException ?? Assert.IsType<ProviderException>(Assert.Single(Assert.IsType<AllProvidersFailedException>(error).Errors));
        Assert.Equal((ErrorCategory.InvalidRequest, 400), (failure.Category, failure.StatusCode));
        Assert.Contains("\"stream_usage\": false", failure.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Compatible_without_a_base_url_is_a_configuration_error_naming_the_key()
    {
        var options = fixture.Options("openai_compatible");
        options.Providers[0].BaseUrl = null;

        var error = Assert.Throws<ConfigurationException>(() => MoreProvidersFixture.Client(options));

        Assert.Contains("base_url", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("capabilities:streaming", "true", "'streaming' is not a capability")]
    [InlineData("capabilities:tools", "maybe", "must be true or false")]
    public void Compatible_malformed_capabilities_are_configuration_errors_with_their_path(string key, string value, string expected)
    {
        var options = fixture.Options("openai_compatible");
        options.Providers[0].Settings[key] = value;

        var error = Assert.Throws<ConfigurationException>(() => MoreProvidersFixture.Client(options));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("config.capabilities.", error.Message, StringComparison.Ordinal);
    }

    // ---- Ollama ----

    [Fact]
    public async Task Ollama_streams_ndjson_from_api_chat()
    {
        using var client = MoreProvidersFixture.Client(fixture.Options("ollama"));

        await foreach (var update in client.GetStreamingResponseAsync("Hi", cancellationToken: Token))
        {
        }

        var entry = fixture.Host["ollama"].Journal.Last!;
        Assert.Equal("/api/chat", entry.Path);
        Assert.Equal("gemma3", entry.Json()!["model"]!.GetValue<string>());
        Assert.True(entry.Json()!["stream"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Ollama_model_not_pulled_is_not_found_naming_ollama_pull()
    {
        var options = fixture.Options("ollama", "openai");
        options.Providers[0].Model = "qwen3";
        using var client = MoreProvidersFixture.Client(options);

        var response = await client.GetResponseAsync("Hi", cancellationToken: Token);

        Assert.Equal("openai", response.GetRoute().Provider);
        Assert.Equal((ErrorCategory.NotFound, 404), (response.GetRoute().Attempts[0].Category!.Value, response.GetRoute().Attempts[0].StatusCode!.Value));

        options = fixture.Options("ollama");
        options.Providers[0].Model = "qwen3";
        using var alone = MoreProvidersFixture.Client(options);
        var error = await SingleFailureAsync(alone);
        Assert.Contains("ollama pull qwen3", error.Hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gemma3", CredentialStatus.Valid)]
    [InlineData("qwen3", CredentialStatus.Invalid)]
    public async Task Ollama_check_lists_the_pulled_models(string model, CredentialStatus expected)
    {
        var options = fixture.Options("ollama");
        options.Providers[0].Model = model;
        using var client = MoreProvidersFixture.Client(options);

        var result = Assert.Single(await client.ValidateCredentialsAsync(Token));

        Assert.Equal(expected, result.Status);
        Assert.Equal("/api/tags", fixture.Host["ollama"].Journal.Last!.Path);
        if (expected == CredentialStatus.Invalid)
        {
            Assert.Contains("ollama pull qwen3", result.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Ollama_mid_stream_error_line_is_a_stream_failure()
    {
        using var client = MoreProvidersFixture.Client(fixture.Options("ollama"));
        fixture.Host["ollama"].Faults.FailNext(1, Fault.StreamError(afterChunks: 2, statusCode: 500));

        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("Hi", cancellationToken: Token))
            {
            }
        });

        Assert.IsType<StreamInterruptedException>(error);
    }

    [Theory]
    [InlineData("localhost", "http://localhost:11434/")]
    [InlineData("0.0.0.0:11434", "http://localhost:11434/")]
    [InlineData("10.0.0.5:8080", "http://10.0.0.5:8080/")]
    [InlineData("https://ollama.example.com", "https://ollama.example.com/")]
    public void Ollama_host_variable_is_read_the_way_ollama_reads_it(string value, string expected) =>
        Assert.Equal(new Uri(expected), OllamaProviderFactory.ParseHost(value));

    // ---- Gemini API ----

    [Fact]
    public async Task Gemini_calls_the_gemini_api_path_with_the_key_in_a_header_never_in_the_url()
    {
        using var client = MoreProvidersFixture.Client(fixture.Options("gemini"));

        await client.GetResponseAsync("Hi", cancellationToken: Token);
        await foreach (var update in client.GetStreamingResponseAsync("Hi", cancellationToken: Token))
        {
        }

        var entries = fixture.Host["gemini"].Journal.Entries;
        Assert.Equal($"/v1beta/models/{GeminiModels.Example}:generateContent", entries[0].Path);
        Assert.Equal($"/v1beta/models/{GeminiModels.Example}:streamGenerateContent", entries[1].Path);
        Assert.Equal("?alt=sse", entries[1].Query);
        Assert.All(entries, e => Assert.Equal("***", e.Headers["x-goog-api-key"]));
        Assert.All(entries, e => Assert.DoesNotContain("key=", e.Query, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Gemini_wrong_key_is_an_authentication_failure()
    {
        var options = fixture.Options();
        options.Providers.Add(fixture.Provider("gemini", 1, key: "wrong-key-000000000000"));
        using var client = MoreProvidersFixture.Client(options);

        var error = await SingleFailureAsync(client);

        Assert.Equal((ErrorCategory.Authentication, 400), (error.Category, error.StatusCode));
        Assert.DoesNotContain("wrong-key-000000000000", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(429, ErrorCategory.RateLimited)]
    [InlineData(503, ErrorCategory.Overloaded)]
    [InlineData(404, ErrorCategory.NotFound)]
    [InlineData(500, ErrorCategory.ServerError)]
    public async Task Gemini_error_bodies_are_classified(int status, ErrorCategory category)
    {
        using var client = MoreProvidersFixture.Client(fixture.Options("gemini"));
        fixture.Host["gemini"].Faults.FailNext(1, Fault.Status(status));

        var error = await SingleFailureAsync(client);

        Assert.Equal((category, status), (error.Category, error.StatusCode));
        Assert.Contains("Gemini API returned", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(MoreProvidersFixture.Key, CredentialStatus.Valid)]
    [InlineData("wrong-key-000000000000", CredentialStatus.Invalid)]
    public async Task Gemini_check_reads_the_model(string key, CredentialStatus expected)
    {
        var options = fixture.Options();
        options.Providers.Add(fixture.Provider("gemini", 1, key));
        using var client = MoreProvidersFixture.Client(options);

        var result = Assert.Single(await client.ValidateCredentialsAsync(Token));

        Assert.Equal(expected, result.Status);
        var entry = fixture.Host["gemini"].Journal.Last!;
        Assert.Equal(("GET", $"/v1beta/models/{GeminiModels.Example}"), (entry.Method, entry.Path));
    }

    // ---- Error classification of each type's own bodies ----

    [Theory]
    [InlineData("azure_openai", 429, ErrorCategory.RateLimited)]
    [InlineData("azure_openai", 500, ErrorCategory.ServerError)]
    [InlineData("azure_openai", 503, ErrorCategory.Overloaded)]
    [InlineData("openai_compatible", 429, ErrorCategory.RateLimited)]
    [InlineData("openai_compatible", 401, ErrorCategory.Authentication)]
    [InlineData("openai_compatible", 500, ErrorCategory.ServerError)]
    [InlineData("ollama", 500, ErrorCategory.ServerError)]
    [InlineData("ollama", 503, ErrorCategory.Overloaded)]
    [InlineData("ollama", 400, ErrorCategory.InvalidRequest)]
    public async Task Error_statuses_with_each_types_body_are_classified(string kind, int status, ErrorCategory category)
    {
        using var client = MoreProvidersFixture.Client(fixture.Options(kind));
        fixture.Host[MoreProvidersFixture.Instance(kind)].Faults.FailNext(1, Fault.Status(status));

        var error = await SingleFailureAsync(client);

        Assert.Equal(category, error.Category);
    }

    private sealed class ExpiringCredential(TimeProvider time, TimeSpan lifetime) : TokenCredential
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => Next(requestContext);

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => ValueTask.FromResult(Next(requestContext));

        private AccessToken Next(TokenRequestContext context)
        {
            lock (Scopes)
            {
                Scopes.AddRange(context.Scopes);
            }

            var n = Interlocked.Increment(ref _calls);
            return new AccessToken($"entra-token-{n}", time.GetUtcNow() + lifetime);
        }
    }

    private sealed class FailingCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("No identity available in this environment.");

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("No identity available in this environment.");
    }
}
