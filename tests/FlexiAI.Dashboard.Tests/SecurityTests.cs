using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;

namespace FlexiAI.Dashboard.Tests;

public sealed class SecurityTests
{
    private static async Task<HttpStatusCode> StatusAsync(TestApp app, HttpMethod method, string path, string? role = null, bool actionHeader = false)
    {
        using var request = app.Request(method, path, role);
        if (actionHeader)
        {
            request.Headers.Add("X-FlexiAI-Dashboard", "1");
        }

        using var response = await app.Http.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    [Fact]
    public async Task Nothing_is_served_unless_the_dashboard_is_mapped()
    {
        await using var app = await TestApp.StartAsync((_, _) => { });
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(app, HttpMethod.Get, "/"));
        foreach (var path in new[] { "/flexiai", "/flexiai/", "/flexiai/api/snapshot", "/flexiai/dashboard.js", "/dashboard/api/snapshot" })
        {
            Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(app, HttpMethod.Get, path, "admin"));
        }
    }

    [Fact]
    public async Task Mapping_without_an_authorization_decision_is_refused_with_a_clear_error()
    {
        Exception? none = null, both = null, prefix = null, policyName = null;
        await using var app = await TestApp.StartAsync((web, client) =>
        {
            none = Record.Exception(() => web.MapFlexiAIDashboard("/flexiai", o => o.Client = client));
            both = Record.Exception(() => web.MapFlexiAIDashboard("/flexiai", o => { o.Client = client; o.RequireAuthorization("viewer"); o.AllowAnonymous(); }));
            prefix = Record.Exception(() => web.MapFlexiAIDashboard("flexiai", o => { o.Client = client; o.AllowAnonymous(); }));
            policyName = Record.Exception(() => web.MapFlexiAIDashboard("/flexiai", o => o.EnableAdminActions(" ")));
        });

        var error = Assert.IsType<InvalidOperationException>(none);
        Assert.Contains("MapFlexiAIDashboard(\"/flexiai\") needs an authorization decision", error.Message, StringComparison.Ordinal);
        Assert.Contains("options.RequireAuthorization(\"policy\")", error.Message, StringComparison.Ordinal);
        Assert.Contains("options.AllowAnonymous()", error.Message, StringComparison.Ordinal);
        Assert.Contains("choose one", Assert.IsType<InvalidOperationException>(both).Message, StringComparison.Ordinal);
        Assert.Contains("starts with '/'", Assert.IsType<ArgumentException>(prefix).Message, StringComparison.Ordinal);
        Assert.Contains("never offered anonymously", Assert.IsType<ArgumentException>(policyName).Message, StringComparison.Ordinal);

        // Nothing was mapped by the refused calls.
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(app, HttpMethod.Get, "/flexiai/api/snapshot", "admin"));
    }

    [Fact]
    public async Task Mapping_without_a_registered_client_names_the_fix()
    {
        Exception? error = null;
        await using var app = await TestApp.StartAsync((web, _) => error = Record.Exception(() => web.MapFlexiAIDashboard("/flexiai", o => o.AllowAnonymous())));
        var e = Assert.IsType<InvalidOperationException>(error);
        Assert.Contains("found no default FlexiAIClient", e.Message, StringComparison.Ordinal);
        Assert.Contains("services.AddFlexiAI", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_policy_anonymous_callers_get_401_and_callers_outside_it_403()
    {
        await using var app = await TestApp.StartAsync((web, client) => web.MapFlexiAIDashboard("/flexiai", o => { o.Client = client; o.RequireAuthorization("admin"); }));
        foreach (var path in new[] { "/flexiai/", "/flexiai/dashboard.js", "/flexiai/dashboard.css", "/flexiai/api/snapshot" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(app, HttpMethod.Get, path));
            Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(app, HttpMethod.Get, path, "viewer"));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(app, HttpMethod.Get, path, "admin"));
        }
    }

    [Fact]
    public async Task Admin_actions_are_absent_unless_enabled()
    {
        await using var app = await TestApp.StartAsync((web, client) => web.MapFlexiAIDashboard("/flexiai", o => { o.Client = client; o.RequireAuthorization("viewer"); }));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(app, HttpMethod.Post, "/flexiai/api/breakers/openai/trip", "admin", actionHeader: true));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(app, HttpMethod.Post, "/flexiai/api/breakers/openai/reset", "admin", actionHeader: true));
        Assert.False(await AdminFlagAsync(app, "admin"));
        Assert.Equal(CircuitState.Closed, app.Client.GetProviderStatus()[0].State);
    }

    [Fact]
    public async Task Admin_actions_need_the_admin_policy_and_the_dashboard_header()
    {
        await using var app = await TestApp.StartAsync((web, client) => web.MapFlexiAIDashboard("/flexiai", o => { o.Client = client; o.RequireAuthorization("viewer"); o.EnableAdminActions("admin"); }));
        Assert.False(await AdminFlagAsync(app, "viewer"));
        Assert.True(await AdminFlagAsync(app, "admin"));

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(app, HttpMethod.Post, "/flexiai/api/breakers/openai/trip", actionHeader: true));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(app, HttpMethod.Post, "/flexiai/api/breakers/openai/trip", "viewer", actionHeader: true));
        Assert.Equal(HttpStatusCode.BadRequest, await StatusAsync(app, HttpMethod.Post, "/flexiai/api/breakers/openai/trip", "admin"));
        Assert.Equal(CircuitState.Closed, app.Client.GetProviderStatus()[0].State);

        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(app, HttpMethod.Post, "/flexiai/api/breakers/nosuch/trip", "admin", actionHeader: true));
        Assert.Equal(HttpStatusCode.NoContent, await StatusAsync(app, HttpMethod.Post, "/flexiai/api/breakers/openai/trip", "admin", actionHeader: true));
        Assert.Equal(CircuitState.Open, app.Client.GetProviderStatus()[0].State);
        Assert.Equal(HttpStatusCode.NoContent, await StatusAsync(app, HttpMethod.Post, "/flexiai/api/breakers/OpenAI/reset", "admin", actionHeader: true));
        Assert.Equal(CircuitState.Closed, app.Client.GetProviderStatus()[0].State);
    }

    [Fact]
    public async Task Anonymous_dashboards_never_offer_admin_actions_anonymously()
    {
        await using var app = await TestApp.StartAsync((web, client) => web.MapFlexiAIDashboard("/flexiai", o => { o.Client = client; o.AllowAnonymous(); o.EnableAdminActions("admin"); }));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(app, HttpMethod.Get, "/flexiai/api/snapshot"));
        Assert.False(await AdminFlagAsync(app, null));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(app, HttpMethod.Post, "/flexiai/api/breakers/openai/trip", actionHeader: true));
        Assert.Equal(CircuitState.Closed, app.Client.GetProviderStatus()[0].State);
    }

    private static async Task<bool> AdminFlagAsync(TestApp app, string? role)
    {
        using var response = await app.Http.SendAsync(app.Request(HttpMethod.Get, "/flexiai/api/snapshot", role), TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return json.RootElement.GetProperty("admin_actions").GetBoolean();
    }
}
