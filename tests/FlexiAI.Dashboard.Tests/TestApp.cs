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
using Microsoft.Extensions.Time.Testing;

namespace FlexiAI.Dashboard.Tests;

/// <summary>
/// An ASP.NET Core app on 127.0.0.1:0 over the in-process emulator's three providers (a canary key on each), with a header
/// authentication scheme (<c>X-Test-Role: viewer|admin</c>) and two policies, <c>viewer</c> and <c>admin</c>; the test maps the
/// dashboard its own way. The client's clock is a <see cref="FakeTimeProvider"/> starting now, so a breaker's recovery is a clock step.
/// </summary>
internal sealed class TestApp : IAsyncDisposable
{
    public const string CanaryKey = "sk-canary-7f3e9d1c0b2a4e6f8a1b";
    public const string CanaryPrompt = "canary-prompt-5d2c91";
    public const string RoleHeader = "X-Test-Role";
    public static readonly TimeSpan Recovery = TimeSpan.FromSeconds(30);

    private TestApp(EmulatorHost emulator, FlexiAIClient client, WebApplication app, FakeTimeProvider time, Uri root)
    {
        Emulator = emulator;
        Client = client;
        App = app;
        Time = time;
        Root = root;
        Http = new HttpClient { BaseAddress = root };
    }

    public EmulatorHost Emulator { get; }

    public FlexiAIClient Client { get; }

    public WebApplication App { get; }

    public FakeTimeProvider Time { get; }

    public Uri Root { get; }

    public HttpClient Http { get; }

    public static async Task<TestApp> StartAsync(Action<WebApplication, FlexiAIClient> map, Action<FlexiAIOptions>? configure = null)
    {
        var emulator = await EmulatorHost.StartAsync(EmulatorOptions.Standard(), TestContext.Current.CancellationToken);
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var options = new FlexiAIOptions();
        options.Providers.Add(new ProviderOptions { Name = "openai", Type = ProviderTypes.OpenAI, Priority = 1, Model = "gpt-5.4-mini", ApiKey = CanaryKey, BaseUrl = emulator["openai"].BaseUrl });
        options.Providers.Add(new ProviderOptions { Name = "anthropic", Type = ProviderTypes.Anthropic, Priority = 2, Model = "claude-sonnet-5-5", ApiKey = CanaryKey, BaseUrl = emulator["anthropic"].BaseUrl });
        options.CircuitBreaker.FailureThreshold = 2;
        options.CircuitBreaker.RecoveryTimeout = Recovery;
        options.Retry.MaxAttempts = 1;
        configure?.Invoke(options);
        var client = new FlexiAIClient(options, new FlexiAIClientOptions { TimeProvider = time });

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication(HeaderAuthentication.SchemeName).AddScheme<AuthenticationSchemeOptions, HeaderAuthentication>(HeaderAuthentication.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy("viewer", p => p.RequireAuthenticatedUser())
            .AddPolicy("admin", p => p.RequireRole("admin"));
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/", () => "the host app");
        map(app, client);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestApp(emulator, client, app, time, new Uri(address));
    }

    /// <summary>One request through the client (real HTTP to the emulator).</summary>
    public async Task AskAsync(string prompt = CanaryPrompt)
    {
        try
        {
            await Client.GetResponseAsync([new ChatMessage(ChatRole.User, prompt)], null, TestContext.Current.CancellationToken);
        }
        catch (FlexiAIException)
        {
            // Every provider down: counted as a failed request, which is what some tests want.
        }
    }

    /// <summary>The primary answers 503 (with the canary in its message) until <see cref="RecoverPrimaryAsync"/>; two requests open its breaker.</summary>
    public async Task OutageOnPrimaryAsync()
    {
        Emulator["openai"].Faults.FailAlways(Fault.Status(503, message: "overloaded; key " + CanaryKey + " prompt " + CanaryPrompt));
        await AskAsync();
        await AskAsync();
    }

    /// <summary>The primary comes back; after the recovery timeout one request is its half-open probe, which closes the breaker.</summary>
    public async Task RecoverPrimaryAsync()
    {
        Emulator["openai"].Faults.Clear();
        Time.Advance(Recovery + TimeSpan.FromSeconds(1));
        await AskAsync();
    }

    public HttpRequestMessage Request(HttpMethod method, string path, string? role = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (role is not null)
        {
            request.Headers.Add(RoleHeader, role);
        }

        return request;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
        Client.Dispose();
        await Emulator.DisposeAsync();
    }

    /// <summary>Authenticates a request carrying <c>X-Test-Role</c> as a user in that role; others are anonymous.</summary>
    private sealed class HeaderAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "TestHeader";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue(RoleHeader, out var role) || string.IsNullOrEmpty(role))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "tester"), new Claim(ClaimTypes.Role, role.ToString())], SchemeName);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }
    }
}
