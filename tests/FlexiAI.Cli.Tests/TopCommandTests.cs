using System.Security.Claims;
using System.Text.Encodings.Web;
using FlexiAI.Emulator;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlexiAI.Cli.Tests;

public sealed class TopCommandTests
{
    private const string CanaryKey = "sk-canary-top-4b1e0c9d7a";

    [Fact]
    public async Task Top_url_once_shows_the_numbers_of_an_app_that_mapped_the_dashboard()
    {
        await using var site = await Site.StartAsync(requireRole: false);
        await site.OutageAsync();

        var run = await CliRun.RunAsync(["top", "--url", site.Root + "flexiai", "--once"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("FlexiAI top — " + site.Root + "flexiai", run.Out, StringComparison.Ordinal);
        var metrics = site.Client.GetMetrics();
        Assert.Contains($"requests {metrics.Requests} · succeeded {metrics.Succeeded} · failed {metrics.Failed} · failovers {metrics.Failovers}", run.Out, StringComparison.Ordinal);
        Assert.Matches(@"openai \(primary\) +│ open +│ \d\d:\d\d:\d\d / \d\d:\d\d:\d\d +│ 5 +│ 3 +│ 2 +│ 1 +│ Overloaded 2", run.Out);
        Assert.Matches(@"anthropic +│ closed +│ - +│ 3 +│ 3 +│ 0 +│ 0 +│ -", run.Out);
        Assert.Contains("openai: closed → open (FailureThresholdReached, Overloaded)", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(CanaryKey, run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Top_url_sends_the_given_headers_and_explains_a_refusal_without_echoing_them()
    {
        await using var site = await Site.StartAsync(requireRole: true);
        var url = site.Root + "flexiai/";

        var anonymous = await CliRun.RunAsync(["top", "--url", url, "--once"]);
        Assert.Equal(1, anonymous.ExitCode);
        Assert.Contains("refused the request (HTTP 401): pass the credentials it needs with --header", anonymous.Error, StringComparison.Ordinal);

        var wrong = await CliRun.RunAsync(["top", "--url", url, "--once", "--header", "X-Test-Role: sekrit-value-31"]);
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("HTTP 403", wrong.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("sekrit-value-31", wrong.Error + wrong.Out, StringComparison.Ordinal);

        var malformed = await CliRun.RunAsync(["top", "--url", url, "--once", "--header", "sekrit-value-31"]);
        Assert.Equal(1, malformed.ExitCode);
        Assert.Contains("--header needs the form \"Name: value\"", malformed.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("sekrit-value-31", malformed.Error, StringComparison.Ordinal);

        var admin = await CliRun.RunAsync(["top", "--url", url, "--once", "--header", "X-Test-Role: admin"]);
        Assert.Equal(0, admin.ExitCode);
        Assert.Contains("openai (primary)", admin.Out, StringComparison.Ordinal);

        var notMapped = await CliRun.RunAsync(["top", "--url", site.Root + "elsewhere", "--once"]);
        Assert.Equal(1, notMapped.ExitCode);
        Assert.Contains("answered HTTP 404: is the dashboard mapped there", notMapped.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Top_url_bounded_by_duration_prints_plain_frames_and_exits()
    {
        await using var site = await Site.StartAsync(requireRole: false);
        var run = await CliRun.RunAsync(["top", "--url", site.Root + "flexiai", "--duration", "1.2"]);
        Assert.Equal(0, run.ExitCode);
        Assert.InRange(run.Out.Split("FlexiAI top — ").Length - 1, 1, 3);
    }

    [Theory]
    [InlineData(new string[0], "needs one source")]
    [InlineData(new[] { "--emulate", "--url", "http://localhost:5000/flexiai" }, "needs one source")]
    [InlineData(new[] { "--url", "localhost:5000" }, "absolute http(s) URL")]
    [InlineData(new[] { "--emulate", "--interval", "0.5" }, "--interval must be at least 1 second")]
    [InlineData(new[] { "--emulate", "--duration", "0" }, "--duration must be a positive")]
    public async Task Top_rejects_bad_arguments_with_a_clear_message(string[] args, string message)
    {
        var run = await CliRun.RunAsync(["top", .. args]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Top_emulate_once_runs_the_failover_scenario_and_shows_the_breaker_timeline()
    {
        var run = await CliRun.RunAsync(["top", "--emulate", "--once"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("FlexiAI top — embedded emulator", run.Out, StringComparison.Ordinal);
        Assert.Contains("requests 13 · succeeded 13 · failed 0", run.Out, StringComparison.Ordinal);
        Assert.Contains("openai: closed → open (FailureThresholdReached, Overloaded)", run.Out, StringComparison.Ordinal);
        Assert.Contains("openai: open → half-open (RecoveryTimeoutElapsed)", run.Out, StringComparison.Ordinal);
        Assert.Contains("openai: half-open → closed (ProbeSucceeded)", run.Out, StringComparison.Ordinal);
        Assert.Matches(@"openai \(primary\) +│ closed +│ - +│ 10 +│ 8 +│ 2 +│ 3 +│ Overloaded 2", run.Out);
        Assert.DoesNotContain("emulator-key", run.Out, StringComparison.Ordinal);
    }

    /// <summary>An app that mapped the dashboard over the emulator (a canary key on each provider), optionally behind a role.</summary>
    private sealed class Site : IAsyncDisposable
    {
        private Site(EmulatorHost emulator, FlexiAIClient client, WebApplication app, string root)
        {
            Emulator = emulator;
            Client = client;
            App = app;
            Root = root;
        }

        public EmulatorHost Emulator { get; }

        public FlexiAIClient Client { get; }

        public WebApplication App { get; }

        public string Root { get; }

        public static async Task<Site> StartAsync(bool requireRole)
        {
            var emulator = await EmulatorHost.StartAsync(EmulatorOptions.Standard(), TestContext.Current.CancellationToken);
            var options = new FlexiAIOptions();
            options.Providers.Add(new ProviderOptions { Name = "openai", Type = ProviderTypes.OpenAI, Priority = 1, Model = "gpt-5.4-mini", ApiKey = CanaryKey, BaseUrl = emulator["openai"].BaseUrl });
            options.Providers.Add(new ProviderOptions { Name = "anthropic", Type = ProviderTypes.Anthropic, Priority = 2, Model = "claude-sonnet-5-5", ApiKey = CanaryKey, BaseUrl = emulator["anthropic"].BaseUrl });
            options.CircuitBreaker.FailureThreshold = 2;
            options.CircuitBreaker.RecoveryTimeout = TimeSpan.FromMinutes(5);
            options.Retry.MaxAttempts = 1;
            var client = new FlexiAIClient(options);

            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Services.AddAuthentication(RoleHeader.SchemeName).AddScheme<AuthenticationSchemeOptions, RoleHeader>(RoleHeader.SchemeName, null);
            builder.Services.AddAuthorizationBuilder().AddPolicy("admin", p => p.RequireRole("admin"));
            var app = builder.Build();
            app.UseAuthentication();
            app.UseAuthorization();
            app.MapFlexiAIDashboard("/flexiai", o =>
            {
                o.Client = client;
                if (requireRole)
                {
                    o.RequireAuthorization("admin");
                }
                else
                {
                    o.AllowAnonymous();
                }
            });
            await app.StartAsync(TestContext.Current.CancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Site(emulator, client, app, address.TrimEnd('/') + "/");
        }

        /// <summary>Three answered requests, then the primary down: two failovers open its breaker, the next request skips it.</summary>
        public async Task OutageAsync()
        {
            for (var i = 0; i < 3; i++)
            {
                await Client.GetResponseAsync([new ChatMessage(ChatRole.User, "hello")], null, TestContext.Current.CancellationToken);
            }

            Emulator["openai"].Faults.FailAlways(Fault.Status(503));
            for (var i = 0; i < 3; i++)
            {
                await Client.GetResponseAsync([new ChatMessage(ChatRole.User, "hello")], null, TestContext.Current.CancellationToken);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await App.StopAsync(CancellationToken.None);
            await App.DisposeAsync();
            Client.Dispose();
            await Emulator.DisposeAsync();
        }
    }

    private sealed class RoleHeader(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "TestHeader";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
            Task.FromResult(Request.Headers.TryGetValue("X-Test-Role", out var role) && !string.IsNullOrEmpty(role)
                ? AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, role.ToString())], SchemeName)), SchemeName))
                : AuthenticateResult.NoResult());
    }
}
