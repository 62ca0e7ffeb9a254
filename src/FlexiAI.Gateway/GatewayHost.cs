using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlexiAI.Gateway;

/// <summary>
/// A standalone gateway on Kestrel — what <c>flexiai serve</c> runs. To host the gateway in your own ASP.NET Core app instead, call
/// <c>services.AddFlexiAIGateway(gateway)</c> and <c>app.MapFlexiAIGateway()</c>.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayHost(WebApplication app, Uri url, GatewayEndpoints endpoints)
    {
        _app = app;
        Url = url;
        Endpoints = endpoints;
    }

    /// <summary>Gets the address the gateway listens on, e.g. <c>http://127.0.0.1:8080/</c>.</summary>
    public Uri Url { get; }

    /// <summary>Gets the mapped endpoints (the admin area).</summary>
    public GatewayEndpoints Endpoints { get; }

    /// <summary>Starts a gateway on Kestrel.</summary>
    /// <param name="gateway">The gateway (the caller keeps ownership).</param>
    /// <param name="host">The address to bind, e.g. <c>127.0.0.1</c>, <c>0.0.0.0</c> or <c>localhost</c>.</param>
    /// <param name="port">The port; 0 picks a free one.</param>
    /// <param name="configureLogging">Configures logging (default: the console, on standard error).</param>
    /// <param name="mapAdmin">Maps more endpoints into the admin-key protected area (e.g. a dashboard), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running host.</returns>
    public static async Task<GatewayHost> StartAsync(
        FlexiAIGateway gateway,
        string host,
        int port,
        Action<ILoggingBuilder>? configureLogging = null,
        Action<GatewayEndpoints>? mapAdmin = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        if (configureLogging is null)
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).AddFilter("Microsoft", LogLevel.Warning);
            builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }
        else
        {
            configureLogging(builder.Logging);
        }

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = gateway.Options.ShutdownTimeout);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = gateway.Options.MaxRequestBodyBytes;
            if (host is "localhost")
            {
                kestrel.ListenLocalhost(port);
            }
            else if (IPAddress.TryParse(host, out var address))
            {
                kestrel.Listen(address, port);
            }
            else
            {
                throw new ArgumentException($"'{host}' is not an IP address or 'localhost'; use e.g. --host 127.0.0.1 or --host 0.0.0.0.", nameof(host));
            }
        });
        builder.Services.AddFlexiAIGateway(gateway);

        var app = builder.Build();

        // No UseAuthentication(): it would run the gateway-key scheme (the only one, so the default) on every request, and the
        // chat endpoint checks its key itself. The admin policy names the scheme, so UseAuthorization() authenticates the
        // admin area's requests — and only those.
        app.UseAuthorization();
        var endpoints = app.MapFlexiAIGateway();

        // The admin-key protected area: mount admin-only endpoints here (e.g. endpoints.Admin.MapFlexiAIDashboard("/dashboard")).
        mapAdmin?.Invoke(endpoints);

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GatewayHost(app, new Uri(address.Replace("[::]", "localhost", StringComparison.Ordinal)), endpoints);
    }

    /// <summary>Stops gracefully: no new connections; in-flight requests and streams finish (up to <see cref="GatewayOptions.ShutdownTimeout"/>).</summary>
    /// <param name="cancellationToken">Ends the wait early.</param>
    /// <returns>A task that completes when the host stopped.</returns>
    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
