using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FlexiAI.Emulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OpenAI.Chat;

namespace FlexiAI.Gateway.Tests;

/// <summary>Health, metrics, the admin area, secrets, graceful shutdown.</summary>
public sealed class OperationsTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Health_endpoints_report_live_and_ready()
    {
        await using var rig = await GatewayRig.StartAsync(fixture.Host);

        Assert.Equal("Healthy", await rig.Http.GetStringAsync("/health/live", Token));
        Assert.Equal("Healthy", await rig.Http.GetStringAsync("/health/ready", Token));
        Assert.Equal("Healthy", await rig.Http.GetStringAsync("/health", Token));
    }

    [Fact]
    public async Task Metrics_are_prometheus_text_with_flexiai_and_aspnetcore_meters()
    {
        await using var rig = await GatewayRig.StartAsync(fixture.Host);
        await rig.Sdk().CompleteChatAsync([new UserChatMessage("Hello")], cancellationToken: Token);

        var text = await rig.Http.GetStringAsync("/metrics", Token);

        Assert.Contains("flexiai_", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_admin_area_needs_an_admin_key_also_for_endpoints_mounted_there()
    {
        await using var rig = await GatewayRig.StartAsync(fixture.Host, mapAdmin: endpoints => endpoints.Admin.MapGet("/dashboard", () => "dashboard"));

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(rig, "/admin/status", null));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(rig, "/admin/status", GatewayRig.Key));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(rig, "/admin/status", GatewayRig.AdminKey));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(rig, "/admin/cost", GatewayRig.AdminKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(rig, "/dashboard", null));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(rig, "/dashboard", GatewayRig.Key));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(rig, "/dashboard", GatewayRig.AdminKey));
    }

    [Fact]
    public async Task The_provider_key_never_appears_in_responses_headers_logs_or_metrics()
    {
        await using var rig = await GatewayRig.StartAsync(fixture.Host);
        var seen = new StringBuilder();

        async Task Capture(HttpRequestMessage request)
        {
            request.Headers.Authorization ??= new AuthenticationHeaderValue("Bearer", GatewayRig.AdminKey);
            using var response = await rig.Http.SendAsync(request, Token);
            seen.AppendLine(response.Headers.ToString()).AppendLine(response.Content.Headers.ToString()).AppendLine(await response.Content.ReadAsStringAsync(Token));
        }

        const string Body = """{"model":"default","messages":[{"role":"user","content":"Hello"}]}""";
        const string Stream = """{"model":"default","stream":true,"messages":[{"role":"user","content":"Hello"}]}""";
        await Capture(new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(Body) });
        await Capture(new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(Stream) });
        fixture.Host["openai"].Faults.FailAlways(Fault.Status(401, message: "Incorrect API key provided: " + GatewayRig.Canary));
        fixture.Host["anthropic"].Faults.FailAlways(Fault.Status(500, message: "bad key " + GatewayRig.Canary));
        await Capture(new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(Body) });
        fixture.Host["openai"].Faults.Clear();
        fixture.Host["anthropic"].Faults.Clear();
        await Capture(new HttpRequestMessage(HttpMethod.Get, "/v1/models"));
        await Capture(new HttpRequestMessage(HttpMethod.Get, "/admin/status"));
        await Capture(new HttpRequestMessage(HttpMethod.Get, "/admin/cost"));
        await Capture(new HttpRequestMessage(HttpMethod.Get, "/metrics"));
        await Capture(new HttpRequestMessage(HttpMethod.Get, "/health"));

        Assert.Contains("Every provider", seen.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(GatewayRig.Canary, seen.ToString(), StringComparison.Ordinal);
        Assert.NotEmpty(rig.Logs.Lines);
        Assert.DoesNotContain(rig.Logs.Lines, line => line.Contains(GatewayRig.Canary, StringComparison.Ordinal));
        Assert.DoesNotContain(rig.Logs.Lines, line => line.Contains(GatewayRig.Key, StringComparison.Ordinal) || line.Contains(GatewayRig.AdminKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stream_in_flight_at_shutdown_completes_then_the_host_stops()
    {
        var rig = await GatewayRig.StartAsync(fixture.Host);
        var chunks = 0;
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        Task? stopping = null;
        try
        {
            await foreach (var update in rig.Sdk().CompleteChatStreamingAsync([new UserChatMessage("A long answer please, with many words in it so it streams for a while")], new ChatCompletionOptions(), Token))
            {
                foreach (var part in update.ContentUpdate)
                {
                    text.Append(part.Text);
                }

                finish ??= update.FinishReason;
                if (++chunks == 2)
                {
                    stopping = rig.Host.StopAsync(Token);
                }
            }

            Assert.NotNull(stopping);
            await stopping.WaitAsync(TimeSpan.FromSeconds(10), Token);
            Assert.Equal(ChatFinishReason.Stop, finish);
            Assert.EndsWith("This is a deterministic reply from the FlexiAI emulator.", text.ToString(), StringComparison.Ordinal);
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => rig.Http.GetAsync("/health", Token));
        }
        finally
        {
            await rig.DisposeAsync();
        }
    }

    private static async Task<HttpStatusCode> StatusAsync(GatewayRig rig, string path, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        using var response = await rig.Http.SendAsync(request, Token);
        return response.StatusCode;
    }
}
