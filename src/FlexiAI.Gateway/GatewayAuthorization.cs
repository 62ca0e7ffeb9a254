namespace FlexiAI.Gateway;

/// <summary>
/// The gateway's authentication scheme and authorization policy. Protect any endpoint with the admin key the way the gateway's own
/// admin area does: <c>.RequireAuthorization(GatewayAuthorization.AdminPolicy)</c>, or map it on <see cref="GatewayEndpoints.Admin"/>.
/// </summary>
public static class GatewayAuthorization
{
    /// <summary>The authentication scheme that reads <c>Authorization: Bearer &lt;gateway key&gt;</c>.</summary>
    public const string Scheme = "FlexiAIGatewayKey";

    /// <summary>The policy requiring a gateway key with <c>"admin": true</c>.</summary>
    public const string AdminPolicy = "FlexiAIGatewayAdmin";

    /// <summary>The claim holding the key's 1-based position in the configuration.</summary>
    public const string KeyClaim = "flexiai.gateway.key";

    /// <summary>The claim saying whether the key is an admin key (<c>true</c>/<c>false</c>).</summary>
    public const string AdminClaim = "flexiai.gateway.admin";
}
