using System.Net.Http.Headers;
using System.Text.Json;
using OpenAI.Chat;

namespace FlexiAI.Gateway.Tests;

/// <summary><c>/admin/status</c> and <c>/admin/cost</c> cover every route's client, not only the <c>default</c> route's.</summary>
public sealed class AdminTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Status_lists_every_routes_providers_once_with_the_routes_that_use_them()
    {
        await using var rig = await StartAsync();

        using var status = JsonDocument.Parse(await GetAsync(rig, "/admin/status"));

        var providers = status.RootElement.GetProperty("providers").EnumerateArray().ToList();
        Assert.Equal(["openai", "anthropic", "spare"], providers.Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(["default", "gpt-4.1-mini"], Routes(providers[0]));
        Assert.Equal(["cheap", "claude-sonnet-4-5", "default"], Routes(providers[1]));
        Assert.Equal(["backup"], Routes(providers[2]));
        Assert.All(providers, p => Assert.Equal("Closed", p.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task Cost_sums_every_route_and_breaks_it_down_per_route()
    {
        await using var rig = await StartAsync();
        await rig.Sdk("default").CompleteChatAsync([new UserChatMessage("One")], cancellationToken: Token);
        await rig.Sdk("cheap").CompleteChatAsync([new UserChatMessage("Two")], cancellationToken: Token);
        await rig.Sdk("backup").CompleteChatAsync([new UserChatMessage("Three")], cancellationToken: Token);

        using var cost = JsonDocument.Parse(await GetAsync(rig, "/admin/cost"));

        var root = cost.RootElement;
        Assert.Equal(3, root.GetProperty("requests").GetInt64() + root.GetProperty("unpriced_requests").GetInt64());
        var byProvider = root.GetProperty("by_provider").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["anthropic", "openai", "spare"], byProvider);
        var routes = root.GetProperty("routes").EnumerateArray().ToDictionary(r => r.GetProperty("names")[0].GetString()!, r => r.GetProperty("requests").GetInt64() + r.GetProperty("unpriced_requests").GetInt64());
        Assert.Equal(1, routes["default"]);
        Assert.Equal(1, routes["cheap"]);
        Assert.Equal(1, routes["backup"]);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await SendAsync(rig, "/admin/cost?period=fortnight")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await SendAsync(rig, "/admin/cost?period=today")).StatusCode);
    }

    private static List<string?> Routes(JsonElement provider) => [.. provider.GetProperty("routes").EnumerateArray().Select(r => r.GetString()).Order(StringComparer.Ordinal)];

    /// <summary>The rig's providers plus "spare" (disabled, so not in <c>default</c>) served by the <c>backup</c> route.</summary>
    private Task<GatewayRig> StartAsync() => GatewayRig.StartAsync(
        fixture.Host,
        options => options.Providers.Add(new ProviderOptions { Name = "spare", Type = "openai", Priority = 3, Model = "gpt-4.1", ApiKey = GatewayRig.Canary, BaseUrl = fixture.Host["openai"].BaseUrl, Enabled = false }),
        gateway => gateway.Routes["backup"] = ["spare"]);

    private static async Task<string> GetAsync(GatewayRig rig, string path)
    {
        using var response = await SendAsync(rig, path);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(Token);
    }

    private static async Task<HttpResponseMessage> SendAsync(GatewayRig rig, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayRig.AdminKey);
        return await rig.Http.SendAsync(request, Token);
    }
}
