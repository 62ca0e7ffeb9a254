using Microsoft.AspNetCore.Authorization;

namespace FlexiAI.Dashboard;

/// <summary>
/// How <c>app.MapFlexiAIDashboard(prefix, configure)</c>
/// serves the dashboard: who may see it (an authorization policy, or an explicit <see cref="AllowAnonymous"/>), whether the
/// breaker actions are offered and to whom, and which client it shows.
/// </summary>
public sealed class FlexiAIDashboardOptions
{
    private readonly List<string> _policies = [];

    /// <summary>Gets or sets the client to show; <see langword="null"/> (the default) resolves it from the app's services (see <see cref="ServiceKey"/>).</summary>
    public FlexiAIClient? Client { get; set; }

    /// <summary>Gets or sets the service key of a named client (<c>services.AddFlexiAI("name", …)</c>); <see langword="null"/> for the default client.</summary>
    public string? ServiceKey { get; set; }

    /// <summary>Gets or sets how many breaker transitions the timeline keeps (newest first; default 50, 1–1000).</summary>
    public int TimelineCapacity { get; set; } = 50;

    /// <summary>Gets the policy names every dashboard request must satisfy (set by <see cref="RequireAuthorization(string[])"/>).</summary>
    public IReadOnlyList<string> AuthorizationPolicies => _policies;

    /// <summary>Gets the policy object every dashboard request must satisfy (set by <see cref="RequireAuthorization(AuthorizationPolicy)"/>).</summary>
    public AuthorizationPolicy? AuthorizationPolicy { get; private set; }

    /// <summary>Gets a value indicating whether the host chose to show the dashboard without an authorization requirement.</summary>
    public bool AnonymousAllowed { get; private set; }

    /// <summary>Gets the policy a caller must satisfy to reset or trip a breaker; <see langword="null"/> when the actions are off (the default).</summary>
    public string? AdminPolicy { get; private set; }

    /// <summary>Requires every dashboard request (page, assets, JSON) to satisfy the named authorization policies (all of them).</summary>
    /// <param name="policyNames">The policy names, as registered with <c>services.AddAuthorization</c>.</param>
    /// <returns>These options.</returns>
    public FlexiAIDashboardOptions RequireAuthorization(params string[] policyNames)
    {
        ArgumentNullException.ThrowIfNull(policyNames);
        if (policyNames.Length == 0 || Array.Exists(policyNames, string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("RequireAuthorization needs at least one non-empty policy name (registered with services.AddAuthorization(o => o.AddPolicy(\"name\", …))).", nameof(policyNames));
        }

        _policies.AddRange(policyNames);
        return this;
    }

    /// <summary>Requires every dashboard request (page, assets, JSON) to satisfy the given authorization policy.</summary>
    /// <param name="policy">The policy.</param>
    /// <returns>These options.</returns>
    public FlexiAIDashboardOptions RequireAuthorization(AuthorizationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        AuthorizationPolicy = policy;
        return this;
    }

    /// <summary>
    /// Serves the dashboard without an authorization requirement of its own. Anyone who can reach the path sees provider names,
    /// models, breaker states, latency and cost (never prompts, answers, keys or connection strings): use it only on a closed
    /// network or behind a gateway that authenticates first. The host's fallback policy and group conventions still apply.
    /// </summary>
    /// <returns>These options.</returns>
    public FlexiAIDashboardOptions AllowAnonymous()
    {
        AnonymousAllowed = true;
        return this;
    }

    /// <summary>
    /// Offers the breaker actions (reset, trip) on the page and maps their endpoints, to callers that satisfy the named policy
    /// (in addition to the dashboard's own). Off unless called; never available anonymously.
    /// </summary>
    /// <param name="policyName">The policy an administrator satisfies.</param>
    /// <returns>These options.</returns>
    public FlexiAIDashboardOptions EnableAdminActions(string policyName)
    {
        if (string.IsNullOrWhiteSpace(policyName))
        {
            throw new ArgumentException("EnableAdminActions needs the name of the authorization policy administrators satisfy; the breaker actions are never offered anonymously.", nameof(policyName));
        }

        AdminPolicy = policyName;
        return this;
    }
}
