using System.Buffers;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlexiAI.Gateway;

/// <summary>Authenticates <c>Authorization: Bearer &lt;gateway key&gt;</c> (or HTTP Basic with the key as password, for browsers) for the admin area; challenges and refusals are OpenAI-shaped.</summary>
internal sealed class GatewayKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, FlexiAIGateway gateway)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (gateway.Keys.FromAuthorizationHeader(Request.Headers.Authorization) is not { } key)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var identity = new ClaimsIdentity(
            [new Claim(GatewayAuthorization.KeyClaim, key.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Claim(GatewayAuthorization.AdminClaim, key.Admin ? "true" : "false")],
            GatewayAuthorization.Scheme);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), GatewayAuthorization.Scheme)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // A browser opening the dashboard gets its login prompt: the password is an admin gateway key (any user name).
        if (Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase))
        {
            Response.Headers.WWWAuthenticate = "Basic realm=\"FlexiAI gateway admin\", charset=\"UTF-8\"";
        }

        return WriteAsync(401, "Incorrect or missing gateway key. Send 'Authorization: Bearer <gateway key>'.", "invalid_api_key");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteAsync(403, "This gateway key is not an admin key (gateway.keys[].admin).", "admin_key_required");

    private Task WriteAsync(int status, string message, string code)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        ChatCompletionWriter.WriteError(buffer, message, status == 401 ? "invalid_request_error" : "permission_error", null, code);
        Response.StatusCode = status;
        Response.ContentType = "application/json";
        return Response.Body.WriteAsync(buffer.WrittenMemory).AsTask();
    }
}
