using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FlexiAI.Emulator;
using OpenAI.Chat;

namespace FlexiAI.Gateway.Tests;

/// <summary>The response cache in front of the gateway's routes (<c>cache.enabled</c>), and the <c>x-flexiai-cache</c> headers.</summary>
public sealed class CacheTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_identical_sdk_requests_make_one_upstream_call_and_the_second_says_hit()
    {
        await using var rig = await GatewayRig.StartAsync(fixture.Host, EnableCache);
        var before = Upstream();

        var first = await rig.Sdk().CompleteChatAsync([new UserChatMessage("What is a circuit breaker?")], cancellationToken: Token);
        var second = await rig.Sdk().CompleteChatAsync([new UserChatMessage("What is a circuit breaker?")], cancellationToken: Token);

        Assert.Equal(1, Upstream() - before);
        Assert.Equal("miss", Header(first.GetRawResponse(), "x-flexiai-cache"));
        Assert.Equal("1", Header(first.GetRawResponse(), "x-flexiai-attempts"));
        Assert.Equal("hit", Header(second.GetRawResponse(), "x-flexiai-cache"));
        Assert.Equal("openai", Header(second.GetRawResponse(), "x-flexiai-provider"));
        Assert.Equal("0", Header(second.GetRawResponse(), "x-flexiai-attempts"));
        Assert.Equal("0", Header(second.GetRawResponse(), "x-flexiai-cost"));
        Assert.Equal(first.Value.Content[0].Text, second.Value.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, second.Value.FinishReason);
    }

    [Fact]
    public async Task A_hit_on_the_backup_names_the_provider_that_originally_answered()
    {
        await using var rig = await GatewayRig.StartAsync(fixture.Host, EnableCache);
        fixture.Host["openai"].Faults.FailAlways(Fault.Status(503));
        await rig.Sdk().CompleteChatAsync([new UserChatMessage("Who answered?")], cancellationToken: Token);
        fixture.Host["openai"].Faults.Clear();

        var hit = await rig.Sdk().CompleteChatAsync([new UserChatMessage("Who answered?")], cancellationToken: Token);

        Assert.Equal("hit", Header(hit.GetRawResponse(), "x-flexiai-cache"));
        Assert.Equal("anthropic", Header(hit.GetRawResponse(), "x-flexiai-provider"));
        Assert.StartsWith("Hello from anthropic.", hit.Value.Content[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_hit_replays_as_sse_with_cache_hit_in_the_route_comment()
    {
        await using var rig = await GatewayRig.StartAsync(fixture.Host, EnableCache);
        var before = Upstream();
        var streamed = new StringBuilder();
        await foreach (var update in rig.Sdk().CompleteChatStreamingAsync([new UserChatMessage("Stream me once")], new ChatCompletionOptions(), Token))
        {
            foreach (var part in update.ContentUpdate)
            {
                streamed.Append(part.Text);
            }
        }

        var replayed = new StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in rig.Sdk().CompleteChatStreamingAsync([new UserChatMessage("Stream me once")], new ChatCompletionOptions(), Token))
        {
            foreach (var part in update.ContentUpdate)
            {
                replayed.Append(part.Text);
            }

            finish ??= update.FinishReason;
        }

        var (_, raw) = await PostAsync(rig, """{"model":"default","stream":true,"messages":[{"role":"user","content":"Stream me once"}]}""");

        Assert.Equal(1, Upstream() - before);
        Assert.Equal(streamed.ToString(), replayed.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.Contains(": x-flexiai-route provider=openai attempts=0 cost=0 cache=hit", raw, StringComparison.Ordinal);
        Assert.Contains("\"role\":\"assistant\"", raw, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_bypass_header_calls_the_provider_and_refresh_replaces_the_entry()
    {
        await using var rig = await GatewayRig.StartAsync(fixture.Host, EnableCache);
        const string Body = """{"model":"default","messages":[{"role":"user","content":"Bypass me"}]}""";
        await PostAsync(rig, Body);
        var before = Upstream();

        var (bypass, _) = await PostAsync(rig, Body, "bypass");
        var (refresh, _) = await PostAsync(rig, Body, "refresh");
        var (hit, _) = await PostAsync(rig, Body);
        var (bad, error) = await PostAsync(rig, Body, "sometimes");

        Assert.Equal(2, Upstream() - before);
        Assert.Equal("bypass", Header(bypass, "x-flexiai-cache"));
        Assert.Equal("1", Header(bypass, "x-flexiai-attempts"));
        Assert.Equal("miss", Header(refresh, "x-flexiai-cache"));
        Assert.Equal("hit", Header(hit, "x-flexiai-cache"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("x-flexiai-cache", error, StringComparison.Ordinal);
        Assert.Contains("invalid_header", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_nonzero_temperature_is_not_cached_and_says_bypass()
    {
        await using var rig = await GatewayRig.StartAsync(fixture.Host, EnableCache);
        var before = Upstream();

        await rig.Sdk().CompleteChatAsync([new UserChatMessage("Be creative")], new ChatCompletionOptions { Temperature = 0.9f }, Token);
        var second = await rig.Sdk().CompleteChatAsync([new UserChatMessage("Be creative")], new ChatCompletionOptions { Temperature = 0.9f }, Token);

        Assert.Equal(2, Upstream() - before);
        Assert.Equal("bypass", Header(second.GetRawResponse(), "x-flexiai-cache"));
    }

    [Fact]
    public async Task Routes_keep_their_own_entries()
    {
        await using var rig = await GatewayRig.StartAsync(fixture.Host, EnableCache);
        var before = Upstream();

        await rig.Sdk("default").CompleteChatAsync([new UserChatMessage("Per route")], cancellationToken: Token);
        var cheap = await rig.Sdk("cheap").CompleteChatAsync([new UserChatMessage("Per route")], cancellationToken: Token);

        Assert.Equal(2, Upstream() - before);
        Assert.Equal("miss", Header(cheap.GetRawResponse(), "x-flexiai-cache"));
        Assert.Equal("anthropic", Header(cheap.GetRawResponse(), "x-flexiai-provider"));
    }

    [Fact]
    public async Task Without_a_cache_section_the_header_and_the_stream_comment_say_none()
    {
        await using var rig = await GatewayRig.StartAsync(fixture.Host);
        var before = Upstream();

        var first = await rig.Sdk().CompleteChatAsync([new UserChatMessage("No cache here")], cancellationToken: Token);
        var second = await rig.Sdk().CompleteChatAsync([new UserChatMessage("No cache here")], cancellationToken: Token);
        var (bypass, _) = await PostAsync(rig, """{"model":"default","messages":[{"role":"user","content":"No cache here"}]}""", "bypass");
        var (_, raw) = await PostAsync(rig, """{"model":"default","stream":true,"messages":[{"role":"user","content":"No cache here"}]}""");

        Assert.Equal(4, Upstream() - before);
        Assert.Equal("none", Header(first.GetRawResponse(), "x-flexiai-cache"));
        Assert.Equal("none", Header(second.GetRawResponse(), "x-flexiai-cache"));
        Assert.Equal("none", Header(bypass, "x-flexiai-cache"));
        Assert.Contains("cache=none", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redis_cache_without_a_store_factory_fails_at_start_naming_the_fix()
    {
        var options = new FlexiAIOptions { Cache = new ResponseCacheOptions { Enabled = true, Backend = CacheBackend.Redis, RedisConnectionString = "127.0.0.1:1" } };
        options.Providers.Add(new ProviderOptions { Name = "openai", Type = "openai", Model = "gpt-4.1-mini", ApiKey = "k", BaseUrl = fixture.Host["openai"].BaseUrl });
        var gateway = new GatewayOptions();
        gateway.Keys.Add(new GatewayKeyOptions { Key = GatewayRig.Key });

        var error = Assert.Throws<ConfigurationException>(() => new FlexiAIGateway(options, gateway));

        Assert.Contains("cache.backend", error.Message, StringComparison.Ordinal);
        Assert.Contains("CacheStoreFactory", error.Message, StringComparison.Ordinal);
    }

    internal static void EnableCache(FlexiAIOptions options) => options.Cache = new ResponseCacheOptions { Enabled = true, Ttl = TimeSpan.FromMinutes(10) };

    internal static string? Header(System.ClientModel.Primitives.PipelineResponse response, string name) =>
        response.Headers.TryGetValue(name, out var value) ? value : null;

    internal static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    internal static async Task<(HttpResponseMessage Response, string Body)> PostAsync(GatewayRig rig, string body, string? cacheHeader = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayRig.Key);
        if (cacheHeader is not null)
        {
            request.Headers.Add("x-flexiai-cache", cacheHeader);
        }

        var response = await rig.Http.SendAsync(request, Token);
        return (response, await response.Content.ReadAsStringAsync(Token));
    }

    private int Upstream() => fixture.Host["openai"].Journal.Count + fixture.Host["anthropic"].Journal.Count;
}
