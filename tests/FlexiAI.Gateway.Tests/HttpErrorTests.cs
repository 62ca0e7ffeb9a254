using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FlexiAI.Emulator;

namespace FlexiAI.Gateway.Tests;

/// <summary>Bad input, wrong keys and limits over raw HTTP: the right status, an OpenAI-shaped body naming the field, and the gateway keeps serving.</summary>
public sealed class HttpErrorTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private const string Hello = """{"model":"default","messages":[{"role":"user","content":"Hello"}]}""";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("{\"model\":\"default\",\"messages\":[", 400, null, "invalid_json")]
    [InlineData("[1,2]", 400, "body", null)]
    [InlineData("{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"temprature\":0.5}", 400, "temprature", "unknown_parameter")]
    [InlineData("{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\",\"colour\":1}]}", 400, "messages[0].colour", "unknown_parameter")]
    [InlineData("{\"model\":\"default\",\"messages\":[{\"role\":\"wizard\",\"content\":\"Hi\"}]}", 400, "messages[0].role", null)]
    [InlineData("{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"n\":2}", 400, "n", null)]
    [InlineData("{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":\"many\"}", 400, "max_tokens", "invalid_type")]
    [InlineData("{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"logprobs\":true}", 400, "logprobs", "unsupported_parameter")]
    [InlineData("{\"model\":\"default\",\"messages\":[{\"role\":\"tool\",\"content\":\"Hi\"}]}", 400, "messages[0].tool_call_id", null)]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", 400, "model", null)]
    [InlineData("{\"model\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", 404, "model", "model_not_found")]
    public async Task Bad_requests_get_an_openai_error_naming_the_field(string body, int status, string? param, string? code)
    {
        await using var rig = await GatewayRig.StartAsync(fixture.Host);

        var (actual, error) = await PostAsync(rig, body, GatewayRig.Key);

        Assert.Equal(status, actual);
        Assert.Equal(param, error.GetProperty("param").GetString());
        if (code is not null)
        {
            Assert.Equal(code, error.GetProperty("code").GetString());
        }

        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.Equal(200, (await PostAsync(rig, Hello, GatewayRig.Key)).Status);
    }

    [Fact]
    public async Task Oversized_bodies_get_413_and_the_gateway_keeps_serving()
    {
        await using var rig = await GatewayRig.StartAsync(fixture.Host, gatewayConfigure: g => g.MaxRequestBodyBytes = 64 * 1024);
        var big = "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('x', 100 * 1024) + "\"}]}";

        var (status, error) = await PostAsync(rig, big, GatewayRig.Key);

        Assert.Equal(413, status);
        Assert.Equal("request_too_large", error.GetProperty("code").GetString());
        Assert.Equal(200, (await PostAsync(rig, Hello, GatewayRig.Key)).Status);
    }

    [Fact]
    public async Task Oversized_chunked_bodies_without_a_length_get_413()
    {
        await using var rig = await GatewayRig.StartAsync(fixture.Host, gatewayConfigure: g => g.MaxRequestBodyBytes = 64 * 1024);
        var big = "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('x', 100 * 1024) + "\"}]}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big))) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayRig.Key);
        request.Headers.TransferEncodingChunked = true;

        using var response = await rig.Http.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-key-123456")]
    [InlineData("Basic Z3ctdGVzdC1rZXk=")]
    [InlineData("Bearer ")]
    public async Task Wrong_or_missing_keys_get_401_without_detail(string? authorization)
    {
        await using var rig = await GatewayRig.StartAsync(fixture.Host);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(Hello) };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await rig.Http.SendAsync(request, Token);
        var body = await response.Content.ReadAsStringAsync(Token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("\"code\":\"invalid_api_key\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain(GatewayRig.Key, body, StringComparison.Ordinal);
        Assert.DoesNotContain("team-a", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_over_its_rate_limit_gets_429_with_retry_after_and_its_routes_are_enforced()
    {
        await using var rig = await GatewayRig.StartAsync(fixture.Host);
        const string Cheap = """{"model":"cheap","messages":[{"role":"user","content":"Hello"}]}""";

        Assert.Equal(403, (await PostAsync(rig, Hello, GatewayRig.LimitedKey)).Status);
        Assert.Equal(200, (await PostAsync(rig, Cheap, GatewayRig.LimitedKey)).Status);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(Cheap) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayRig.LimitedKey);
        using var limited = await rig.Http.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(200, (await PostAsync(rig, Hello, GatewayRig.Key)).Status);
    }

    [Fact]
    public async Task Every_provider_rate_limited_gives_429_with_retry_after()
    {
        await using var rig = await GatewayRig.StartAsync(fixture.Host);
        fixture.Host["openai"].Faults.FailAlways(Fault.Status(429, retryAfter: TimeSpan.FromSeconds(7)));
        fixture.Host["anthropic"].Faults.FailAlways(Fault.Status(429, retryAfter: TimeSpan.FromSeconds(9)));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(Hello) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayRig.Key);

        using var response = await rig.Http.SendAsync(request, Token);
        var body = await response.Content.ReadAsStringAsync(Token);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
        Assert.Contains("rate_limit", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_provider_over_budget_gives_429_with_retry_after()
    {
        await using var rig = await GatewayRig.StartAsync(fixture.Host, options => options.Cost.Budgets.Add(new BudgetOptions { Scope = BudgetScope.Global, Period = BudgetPeriod.Day, Limit = 0.0000001m }));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(Hello) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayRig.Key);
        using var response = await rig.Http.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task A_key_configured_by_its_sha256_works()
    {
        const string Secret = "hashed-key-abcdef";
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(Secret)));
        await using var rig = await GatewayRig.StartAsync(fixture.Host, gatewayConfigure: g => g.Keys.Add(new GatewayKeyOptions { Sha256 = hash }));

        Assert.Equal(200, (await PostAsync(rig, Hello, Secret)).Status);
    }

    internal static async Task<(int Status, JsonElement Error)> PostAsync(GatewayRig rig, string body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await rig.Http.SendAsync(request, Token);
        var text = await response.Content.ReadAsStringAsync(Token);
        using var document = JsonDocument.Parse(text);
        return ((int)response.StatusCode, document.RootElement.TryGetProperty("error", out var error) ? error.Clone() : default);
    }
}
