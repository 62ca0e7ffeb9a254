using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using FlexiAI.Emulator;
using FlexiAI.Tests.EndToEnd;
using Google.Apis.Auth.OAuth2;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace FlexiAI.Tests.Providers;

/// <summary>The built-in adapters over real HTTP to the emulator: credential probes, Retry-After dates, Vertex classifications and credential lookups.</summary>
public sealed class ProviderAdapterEndToEndTests(EmulatedProvidersFixture fixture) : IClassFixture<EmulatedProvidersFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string> CredentialProbes => new()
    {
        { "openai", "GET", "/v1/models/" + OpenAIModels.Example },
        { "anthropic", "GET", "/v1/models" },
        { "vertexai", "POST", "/models/" + VertexAIModels.Example + ":generateContent" },
    };

    [Theory]
    [MemberData(nameof(CredentialProbes))]
    public async Task A_credential_check_sends_through_the_configured_handler_and_leaves_it_usable(string kind, string method, string path)
    {
        using var handler = new RecordingHandler();
        var options = fixture.Options(kind);
        using (var client = new FlexiAIClient(options, new FlexiAIClientOptions { HttpMessageHandler = handler, EnvironmentVariables = _ => null }))
        {
            var result = Assert.Single(await client.ValidateCredentialsAsync(Token));

            Assert.Equal(CredentialStatus.Valid, result.Status);
            Assert.Contains(handler.Requests, r => r.StartsWith(method + " ", StringComparison.Ordinal) && r.EndsWith(path, StringComparison.Ordinal));
        }

        // The check disposed what it created, and not the caller's handler: it still sends.
        Assert.False(handler.Disposed);
        using var again = new FlexiAIClient(fixture.Options(kind), new FlexiAIClientOptions { HttpMessageHandler = handler, EnvironmentVariables = _ => null });
        Assert.Equal(CredentialStatus.Valid, Assert.Single(await again.ValidateCredentialsAsync(Token)).Status);
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task A_rejected_key_makes_the_credential_check_invalid_without_echoing_it(string kind)
    {
        var options = fixture.Options();
        options.Providers.Add(fixture.Provider(kind, 1, key: "wrong-key-000000000000"));
        using var handler = new RecordingHandler();
        using var client = new FlexiAIClient(options, new FlexiAIClientOptions { HttpMessageHandler = handler, EnvironmentVariables = _ => null });

        var result = Assert.Single(await client.ValidateCredentialsAsync(Token));

        Assert.Equal((CredentialStatus.Invalid, ErrorCategory.Authentication), (result.Status, result.Category));
        Assert.DoesNotContain("wrong-key-000000000000", result.Message, StringComparison.Ordinal);
        Assert.NotEmpty(handler.Requests);
    }

    [Fact]
    public async Task An_openai_retry_after_date_is_read_against_the_clients_clock()
    {
        var now = new DateTimeOffset(2031, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(now);
        using var handler = new RecordingHandler { RetryAfterDate = now.AddSeconds(30) };
        using var client = new FlexiAIClient(fixture.Options("openai"), new FlexiAIClientOptions { TimeProvider = time, HttpMessageHandler = handler, EnvironmentVariables = _ => null });
        fixture.Host["openai"].Faults.FailNext(1, Fault.Status(429, retryAfter: TimeSpan.FromSeconds(5)));

        var error = await Assert.ThrowsAsync<AllProvidersFailedException>(() => client.GetResponseAsync("Hi", cancellationToken: Token));

        var failure = Assert.IsType<ProviderException>(Assert.Single(error.Errors));
        Assert.Equal(ErrorCategory.RateLimited, failure.Category);
        Assert.Equal(TimeSpan.FromSeconds(30), failure.RetryAfter);
    }

    [Fact]
    public void Vertex_499_cancelled_is_a_cancellation_not_a_server_error()
    {
        var adapter = new VertexAIProviderFactory().CreateAdapter(fixture.Provider("vertexai", 1), Context());

        var failure = adapter.Classify(new VertexAIException(499, "CANCELLED", "Vertex AI returned HTTP 499 CANCELLED: The operation was cancelled."));

        Assert.Equal((ErrorCategory.Cancelled, 499), (failure.Category, failure.StatusCode));
    }

    [Fact]
    public async Task A_vertex_499_does_not_count_toward_the_breaker()
    {
        var options = fixture.Options("vertexai", "openai");
        options.CircuitBreaker.FailureThreshold = 1;
        using var client = EmulatedProvidersFixture.Client(options);
        fixture.Host["vertexai"].Faults.FailNext(1, Fault.Status(499));

        var first = await client.GetResponseAsync("1", cancellationToken: Token);
        var second = await client.GetResponseAsync("2", cancellationToken: Token);

        var attempt = first.GetRoute().Attempts[0];
        Assert.Equal(("vertexai", AttemptOutcome.Failed, ErrorCategory.Cancelled), (attempt.Provider, attempt.Outcome, attempt.Category!.Value));
        Assert.Equal("openai", first.GetRoute().Provider);

        // Had the 499 counted, the breaker (threshold 1) would be open and the second request would skip Vertex AI.
        Assert.Equal("vertexai", second.GetRoute().Provider);
        Assert.Equal(2, fixture.Host["vertexai"].Journal.Count);
    }

    [Fact]
    public async Task A_failed_google_credential_lookup_is_retried_on_the_next_request()
    {
        var lookups = 0;
        var tokens = VertexAIProviderFactory.CachedTokens(() =>
            Interlocked.Increment(ref lookups) == 1
                ? Task.FromException<ITokenAccess>(new IOException("metadata server unreachable"))
                : Task.FromResult<ITokenAccess>(new FixedToken(EmulatedProvidersFixture.Key)));
        var options = fixture.Options("vertexai");
        options.Providers[0].Settings.Remove("access_token");
        var clientOptions = new FlexiAIClientOptions { EnvironmentVariables = _ => null };
        clientOptions.ProviderFactories.Add(new VertexAIProviderFactory(tokens));
        using var client = new FlexiAIClient(options, clientOptions);

        var error = await Assert.ThrowsAsync<AllProvidersFailedException>(() => client.GetResponseAsync("1", cancellationToken: Token));
        var second = await client.GetResponseAsync("2", cancellationToken: Token);
        var third = await client.GetResponseAsync("3", cancellationToken: Token);

        Assert.Equal(ErrorCategory.Authentication, Assert.IsType<ProviderException>(Assert.Single(error.Errors)).Category);
        Assert.Equal(("vertexai", "vertexai"), (second.GetRoute().Provider, third.GetRoute().Provider));
        Assert.Equal(2, lookups);
    }

    private static ProviderFactoryContext Context() =>
        new(TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, HttpMessageHandler: null);

    /// <summary>Sends over real sockets, records each request, and can rewrite a 429's Retry-After as an HTTP date.</summary>
    private sealed class RecordingHandler : DelegatingHandler
    {
        public RecordingHandler()
            : base(new SocketsHttpHandler())
        {
        }

        public ConcurrentQueue<string> Requests { get; } = new();

        public DateTimeOffset? RetryAfterDate { get; init; }

        public bool Disposed { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Enqueue($"{request.Method} {request.RequestUri!.AbsolutePath}");
            var response = await base.SendAsync(request, cancellationToken);
            if (RetryAfterDate is { } date && response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                response.Headers.Remove("Retry-After");
                response.Headers.Remove("retry-after-ms");
                response.Headers.RetryAfter = new RetryConditionHeaderValue(date);
            }

            return response;
        }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }

    private sealed class FixedToken(string token) : ITokenAccess
    {
        public Task<string> GetAccessTokenForRequestAsync(string? authUri = null, CancellationToken cancellationToken = default) => Task.FromResult(token);
    }
}
