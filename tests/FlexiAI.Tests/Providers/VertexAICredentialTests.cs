using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FlexiAI.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace FlexiAI.Tests.Providers;

/// <summary>
/// Vertex AI with a service-account key file, for real: the key is generated at run time, the key file's <c>token_uri</c>
/// points at the emulator's OAuth2 token endpoint (which verifies the RS256 assertion), and the Vertex instance accepts only
/// the tokens it issued. Client and emulator share one fake clock.
/// </summary>
public sealed class VertexAICredentialTests : IAsyncLifetime
{
    private static readonly RSA Key = RSA.Create(2048);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "flexiai-adc-" + Guid.NewGuid().ToString("N"));
    private EmulatorHost _host = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private EmulatedInstance Vertex => _host["vertexai"];

    private int ChatCalls => Vertex.Journal.Entries.Count(e => e.Path != "/token");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var options = EmulatorOptions.Standard();
        options.TimeProvider = _time;
        var vertex = options.Instances.Single(i => i.Kind == EmulatedProviderKind.VertexAI);
        vertex.ServiceAccountPublicKeyPem = Key.ExportSubjectPublicKeyInfoPem();
        vertex.AcceptOnlyIssuedTokens = true;
        _host = await EmulatorHost.StartAsync(options);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private string WriteKeyFile(RSA? key = null)
    {
        var path = Path.Combine(_directory, "service-account.json");
        var json = new JsonObject
        {
            ["type"] = "service_account",
            ["project_id"] = "flexiai-tests",
            ["private_key_id"] = "test-key-1",
            ["private_key"] = (key ?? Key).ExportPkcs8PrivateKeyPem(),
            ["client_email"] = "flexiai@flexiai-tests.iam.gserviceaccount.com",
            ["client_id"] = "100000000000000000001",
            ["token_uri"] = Vertex.TokenUri.AbsoluteUri,
        };
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    private FlexiAIClient Client(string? credentialsFile, string? environmentFile = null)
    {
        var provider = new ProviderOptions { Name = "vertexai", Type = "vertexai", Priority = 1, Model = "gemini-3.5-flash", BaseUrl = Vertex.BaseUrl };
        provider.Settings["project"] = "flexiai-tests";
        provider.Settings["location"] = "us-central1";
        if (credentialsFile is not null)
        {
            provider.Settings["credentials_file"] = credentialsFile;
        }

        var options = new FlexiAIOptions();
        options.Retry.MaxAttempts = 1;
        options.CircuitBreaker.FailureThreshold = 10;
        options.Providers.Add(provider);
        return new FlexiAIClient(options, new FlexiAIClientOptions
        {
            TimeProvider = _time,
            EnvironmentVariables = name => name == "GOOGLE_APPLICATION_CREDENTIALS" ? environmentFile : null,
        });
    }

    [Fact]
    public async Task A_key_file_credential_completes_requests_with_one_token_fetched_and_cached()
    {
        using var client = Client(WriteKeyFile());

        var first = await client.GetResponseAsync("Hello", cancellationToken: Token);
        var second = await client.GetResponseAsync("Again", cancellationToken: Token);

        Assert.StartsWith("Hello from vertexai", first.Text, StringComparison.Ordinal);
        Assert.StartsWith("Hello from vertexai", second.Text, StringComparison.Ordinal);
        Assert.Equal(1, Vertex.TokensIssued);
        Assert.Equal(2, ChatCalls);
        Assert.Equal(1, Vertex.Journal.Entries.Count(e => e.Path == "/token"));
    }

    [Fact]
    public async Task GOOGLE_APPLICATION_CREDENTIALS_names_the_key_file_when_the_configuration_does_not()
    {
        using var client = Client(credentialsFile: null, environmentFile: WriteKeyFile());

        var response = await client.GetStreamingResponseAsync("Hello", cancellationToken: Token).ToListAsync(Token);

        Assert.StartsWith("Hello from vertexai", response.ToChatResponse().Text, StringComparison.Ordinal);
        Assert.Equal(1, Vertex.TokensIssued);
    }

    [Fact]
    public async Task The_token_is_refreshed_before_it_expires_by_the_clients_time_provider()
    {
        using var client = Client(WriteKeyFile());
        await client.GetResponseAsync("one", cancellationToken: Token);

        _time.Advance(TimeSpan.FromMinutes(50));
        await client.GetResponseAsync("two", cancellationToken: Token);
        Assert.Equal(1, Vertex.TokensIssued);

        // Three minutes before the one-hour token expires: inside Google's refresh window, on FlexiAI's clock. Google.Apis.Auth
        // still uses the current (valid) token for this request and fetches the next one in the background.
        _time.Advance(TimeSpan.FromMinutes(7));
        await client.GetResponseAsync("three", cancellationToken: Token);
        await TestSupport.TestClients.Until(() => Vertex.TokensIssued == 2);

        // Past the first token's expiry: the refreshed token is used, so no request meets a 401.
        _time.Advance(TimeSpan.FromMinutes(5));
        await client.GetResponseAsync("four", cancellationToken: Token);
        Assert.Equal(2, Vertex.TokensIssued);
        Assert.Equal(4, ChatCalls);
    }

    [Fact]
    public async Task A_failed_token_fetch_is_retried_on_the_next_request_not_cached()
    {
        using var client = Client(WriteKeyFile());
        Vertex.Faults.FailNext(1, Fault.Status(500, message: "token service down"));

        var error = await Assert.ThrowsAnyAsync<FlexiAIException>(() => client.GetResponseAsync("one", cancellationToken: Token));
        var response = await client.GetResponseAsync("two", cancellationToken: Token);

        Assert.Contains(error.Route!.Attempts, a => a.Category == ErrorCategory.Authentication);
        Assert.DoesNotContain("PRIVATE KEY", error.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("Hello from vertexai", response.Text, StringComparison.Ordinal);
        Assert.Equal(1, Vertex.TokensIssued);
        Assert.Equal(2, Vertex.Journal.Entries.Count(e => e.Path == "/token"));
        Assert.Equal(1, ChatCalls);
    }

    [Fact]
    public async Task A_401_for_an_expired_token_gets_one_refresh_and_one_retry()
    {
        using var client = Client(WriteKeyFile());
        await client.GetResponseAsync("one", cancellationToken: Token);
        Vertex.ExpireIssuedTokens();

        var response = await client.GetResponseAsync("two", cancellationToken: Token);

        Assert.StartsWith("Hello from vertexai", response.Text, StringComparison.Ordinal);
        Assert.Equal(AttemptOutcome.Succeeded, Assert.Single(response.GetRoute().Attempts).Outcome);
        Assert.Equal(2, Vertex.TokensIssued);
        Assert.Equal(3, ChatCalls); // ok, 401, ok
    }

    [Fact]
    public async Task A_401_after_the_refresh_is_the_answer_no_second_refresh()
    {
        Vertex.Options.TokenLifetime = TimeSpan.Zero; // every token the endpoint issues is already expired on the server
        using var client = Client(WriteKeyFile());

        var error = await Assert.ThrowsAnyAsync<FlexiAIException>(() => client.GetResponseAsync("one", cancellationToken: Token));

        Assert.Contains(error.Route!.Attempts, a => a.Category == ErrorCategory.Authentication && a.StatusCode == 401);
        Assert.Equal(2, ChatCalls);
    }

    [Fact]
    public async Task An_assertion_signed_with_another_key_gets_no_token()
    {
        using var other = RSA.Create(2048);
        using var client = Client(WriteKeyFile(other));

        var error = await Assert.ThrowsAnyAsync<FlexiAIException>(() => client.GetResponseAsync("one", cancellationToken: Token));

        Assert.Contains(error.Route!.Attempts, a => a.Category == ErrorCategory.Authentication);
        Assert.Contains("Invalid JWT Signature", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, Vertex.TokensIssued);
        Assert.Equal(0, ChatCalls);
    }
}
