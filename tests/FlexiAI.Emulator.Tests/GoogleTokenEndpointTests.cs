using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace FlexiAI.Emulator.Tests;

/// <summary>The Vertex AI instance's OAuth2 token endpoint (JWT-bearer grant), checked over HTTP with hand-made assertions.</summary>
public sealed class GoogleTokenEndpointTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static readonly HttpClient Http = new();
    private static readonly RSA Key = RSA.Create(2048);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Assertion(RSA key, string audience, string scope = "https://www.googleapis.com/auth/cloud-platform", string alg = "RS256")
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64Url(Encoding.UTF8.GetBytes(new JsonObject { ["alg"] = alg, ["typ"] = "JWT" }.ToJsonString()));
        var claims = Base64Url(Encoding.UTF8.GetBytes(new JsonObject { ["iss"] = "sa@test.iam.gserviceaccount.com", ["scope"] = scope, ["aud"] = audience, ["iat"] = now, ["exp"] = now + 3600 }.ToJsonString()));
        var signature = Base64Url(key.SignData(Encoding.ASCII.GetBytes(header + "." + claims), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        return $"{header}.{claims}.{signature}";
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> GrantAsync(EmulatedInstance vertex, string assertion, string grant = "urn:ietf:params:oauth:grant-type:jwt-bearer")
    {
        using var content = new FormUrlEncodedContent([new("grant_type", grant), new("assertion", assertion)]);
        using var response = await Http.PostAsync(vertex.TokenUri, content, Token);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(Token))!);
    }

    [Fact]
    public async Task A_signed_assertion_gets_a_short_lived_token_that_the_instance_then_accepts_only_until_expired()
    {
        var vertex = fixture.Fresh("vertexai");
        vertex.Options.ServiceAccountPublicKeyPem = Key.ExportSubjectPublicKeyInfoPem();
        try
        {
            var (status, body) = await GrantAsync(vertex, Assertion(Key, vertex.TokenUri.AbsoluteUri));

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.StartsWith("ya29.emu-", body["access_token"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(3600, body["expires_in"]!.GetValue<long>());
            Assert.Equal("Bearer", body["token_type"]!.GetValue<string>());
            Assert.Equal("grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=***", vertex.Journal.Last!.Body);
        }
        finally
        {
            vertex.Options.ServiceAccountPublicKeyPem = null;
        }
    }

    [Fact]
    public async Task Bad_assertions_get_OAuth_errors_and_no_token()
    {
        var vertex = fixture.Fresh("vertexai");
        vertex.Options.ServiceAccountPublicKeyPem = Key.ExportSubjectPublicKeyInfoPem();
        try
        {
            using var other = RSA.Create(2048);
            var audience = vertex.TokenUri.AbsoluteUri;
            var issued = vertex.TokensIssued;

            Assert.Equal("invalid_grant", (await GrantAsync(vertex, Assertion(other, audience))).Body["error"]!.GetValue<string>());
            Assert.Equal("invalid_grant", (await GrantAsync(vertex, Assertion(Key, audience, alg: "HS256"))).Body["error"]!.GetValue<string>());
            Assert.Equal("invalid_grant", (await GrantAsync(vertex, "not-a-jwt")).Body["error"]!.GetValue<string>());
            Assert.Equal("invalid_scope", (await GrantAsync(vertex, Assertion(Key, audience, scope: "https://www.googleapis.com/auth/drive"))).Body["error"]!.GetValue<string>());
            Assert.Equal("unsupported_grant_type", (await GrantAsync(vertex, Assertion(Key, audience), grant: "client_credentials")).Body["error"]!.GetValue<string>());
            Assert.Equal(issued, vertex.TokensIssued);
        }
        finally
        {
            vertex.Options.ServiceAccountPublicKeyPem = null;
        }
    }

    [Fact]
    public async Task Without_a_configured_key_the_endpoint_refuses_every_grant()
    {
        var vertex = fixture.Fresh("vertexai");

        var (status, body) = await GrantAsync(vertex, Assertion(Key, vertex.TokenUri.AbsoluteUri));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_client", body["error"]!.GetValue<string>());
    }
}
