using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace FlexiAI.Emulator;

/// <summary>
/// Google's OAuth2 token endpoint for one Vertex AI instance (<c>POST /NAME/token</c>): the service-account JWT bearer grant
/// (RFC 7523, what a service-account key file's <c>token_uri</c> is used for). It verifies the assertion's RS256 signature
/// with the configured public key, its audience, scope and lifetime, and issues short-lived access tokens it remembers.
/// </summary>
internal sealed class GoogleTokenIssuer(EmulatedInstance instance, TimeProvider time)
{
    private const string JwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private const string CloudPlatform = "https://www.googleapis.com/auth/cloud-platform";
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _issued = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>Gets how many access tokens were issued.</summary>
    public int Issued => Volatile.Read(ref _count);

    /// <summary>Gets whether <paramref name="token"/> was issued here and has not expired (or been expired by hand).</summary>
    public bool IsValid(string token) => _issued.TryGetValue(token, out var expires) && time.GetUtcNow() < expires;

    /// <summary>Makes every token issued so far expired, as when the server revokes them or its clock runs ahead of the client's.</summary>
    public void ExpireAll()
    {
        foreach (var token in _issued.Keys)
        {
            _issued[token] = DateTimeOffset.MinValue;
        }
    }

    /// <summary>Answers a token request: status and OAuth2 JSON body (<c>access_token</c> or <c>error</c>).</summary>
    public (int Status, string Body) Grant(IFormCollection form)
    {
        if (form["grant_type"].ToString() != JwtBearer)
        {
            return Error(400, "unsupported_grant_type", $"Invalid grant_type: expected {JwtBearer}.");
        }

        if (instance.Options.ServiceAccountPublicKeyPem is not { Length: > 0 } pem)
        {
            return Error(400, "invalid_client", "No service account is configured on this emulated instance (EmulatedInstanceOptions.ServiceAccountPublicKeyPem).");
        }

        var parts = form["assertion"].ToString().Split('.');
        if (parts.Length != 3)
        {
            return Error(400, "invalid_grant", "Invalid JWT: the assertion must have three dot-separated parts.");
        }

        JsonNode? header;
        JsonNode? claims;
        byte[] signature;
        try
        {
            header = JsonNode.Parse(Base64Url(parts[0]));
            claims = JsonNode.Parse(Base64Url(parts[1]));
            signature = Base64Url(parts[2]);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return Error(400, "invalid_grant", "Invalid JWT: a part is not base64url-encoded JSON.");
        }

        if (header?["alg"]?.GetValue<string>() != "RS256")
        {
            return Error(400, "invalid_grant", "Invalid JWT: alg must be RS256.");
        }

        using (var rsa = RSA.Create())
        {
            rsa.ImportFromPem(pem);
            if (!rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                return Error(400, "invalid_grant", "Invalid JWT Signature.");
            }
        }

        var now = time.GetUtcNow();
        var iat = Seconds(claims?["iat"]);
        var exp = Seconds(claims?["exp"]);
        if (iat is null || exp is null || exp <= iat || exp - iat > TimeSpan.FromHours(1).TotalSeconds)
        {
            return Error(400, "invalid_grant", "Invalid JWT: iat and exp are required, and exp may be at most one hour after iat.");
        }

        if (DateTimeOffset.FromUnixTimeSeconds(exp.Value) < now - Skew || DateTimeOffset.FromUnixTimeSeconds(iat.Value) > now + Skew)
        {
            return Error(400, "invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.");
        }

        var audience = claims?["aud"]?.GetValue<string>();
        if (audience is null || !audience.EndsWith("/token", StringComparison.Ordinal))
        {
            return Error(400, "invalid_grant", "Invalid JWT: aud must be the token_uri.");
        }

        if (claims?["scope"]?.GetValue<string>() is not { } scope || !scope.Split(' ').Contains(CloudPlatform, StringComparer.Ordinal))
        {
            return Error(400, "invalid_scope", $"Invalid OAuth scope: {CloudPlatform} is required.");
        }

        var number = Interlocked.Increment(ref _count);
        var token = $"ya29.emu-{number}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant()}";
        var lifetime = instance.Options.TokenLifetime;
        _issued[token] = now + lifetime;
        var body = new JsonObject
        {
            ["access_token"] = token,
            ["expires_in"] = (long)lifetime.TotalSeconds,
            ["token_type"] = "Bearer",
        };
        return (200, body.ToJsonString(Wire.Options));
    }

    private static long? Seconds(JsonNode? node) => node is JsonValue value && value.TryGetValue<long>(out var seconds) ? seconds : null;

    private static byte[] Base64Url(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
    }

    private static (int, string) Error(int status, string error, string description) =>
        (status, new JsonObject { ["error"] = error, ["error_description"] = description }.ToJsonString(Wire.Options));
}
