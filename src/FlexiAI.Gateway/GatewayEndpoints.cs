using Microsoft.AspNetCore.Routing;

namespace FlexiAI.Gateway;

/// <summary>What <see cref="GatewayEndpointRouteBuilderExtensions.MapFlexiAIGateway"/> mapped, with the admin area to map more into.</summary>
public sealed class GatewayEndpoints
{
    internal GatewayEndpoints(RouteGroupBuilder admin) => Admin = admin;

    /// <summary>
    /// Gets the admin-key protected area (rooted at <c>/</c>, policy <see cref="GatewayAuthorization.AdminPolicy"/>): everything mapped on it
    /// needs a gateway key with <c>"admin": true</c>. The gateway maps <c>/admin/status</c> and <c>/admin/cost</c> there; mount more the
    /// same way, e.g. <c>endpoints.Admin.MapFlexiAIDashboard("/dashboard")</c>.
    /// </summary>
    public RouteGroupBuilder Admin { get; }
}
