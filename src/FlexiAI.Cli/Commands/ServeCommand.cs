using Microsoft.AspNetCore.Builder;
using FlexiAI.Gateway;

namespace FlexiAI.Cli.Commands;

/// <summary>
/// <c>flexiai serve</c>: the OpenAI-compatible gateway (src/FlexiAI.Gateway) on Kestrel. The CLI is a thin host: the same endpoints can
/// run inside any ASP.NET Core app with <c>services.AddFlexiAIGateway(gateway)</c> and <c>app.MapFlexiAIGateway()</c>.
/// </summary>
internal static class ServeCommand
{
    /// <summary>The gateway key <c>--emulate</c> accepts when the configuration names none (a demo on loopback, never for real keys).</summary>
    public const string DemoKey = "sk-flexiai-demo";

    public static async Task<int> RunAsync(CliContext context, string? file, bool emulate, string host, int port, CancellationToken cancellationToken)
    {
        if (port is < 0 or > 65535)
        {
            context.Error.WriteLine($"--port {port} is out of range; use 0 (a free port) to 65535.");
            return ExitCodes.NotConfigured;
        }

        var (options, emulator, exitCode) = await ConfigurationSource.ResolveAsync(context, file, emulate, cancellationToken).ConfigureAwait(false);
        if (options is null)
        {
            return exitCode ?? ExitCodes.NotConfigured;
        }

        try
        {
            return await ServeAsync(context, file, emulate, host, port, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (emulator is not null)
            {
                await emulator.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<int> ServeAsync(CliContext context, string? file, bool emulate, string host, int port, FlexiAIOptions options, CancellationToken cancellationToken)
    {
        FlexiAIGateway gateway;
        try
        {
            var gatewayFile = emulate ? null : ConfigurationSource.FindFile(context, file);
            var gatewayOptions = GatewayConfiguration.Load(gatewayFile, context.Variables);
            if (emulate && gatewayOptions.Keys.Count == 0)
            {
                gatewayOptions.Keys.Add(new GatewayKeyOptions { Key = DemoKey, Admin = true });
                context.Out.WriteLine($"gateway key {DemoKey} (the --emulate demo key)");
            }

            // The CLI ships FlexiAI.Redis: cache.backend "redis" and circuit_breaker.store { "type": "redis" } work for a fleet of gateways.
            gatewayOptions.CacheStoreFactory ??= new FlexiAI.Redis.RedisResponseCacheStoreFactory();
            var clientOptions = new FlexiAIClientOptions { EnvironmentVariables = context.Environment };
            FlexiAI.Redis.RedisFlexiAIExtensions.UseRedis(clientOptions);
            gateway = new FlexiAIGateway(options, gatewayOptions, clientOptions);
        }
        catch (ConfigurationException ex)
        {
            context.Error.WriteLine(ex.Message);
            return ExitCodes.NotConfigured;
        }

        using (gateway)
        {
            GatewayHost server;
            try
            {
                server = await GatewayHost.StartAsync(gateway, host, port, mapAdmin: MapDashboard(gateway), cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or InvalidOperationException)
            {
                context.Error.WriteLine($"Could not listen on {host}:{port}: {ex.Message}");
                return ExitCodes.NotConfigured;
            }

            await using (server.ConfigureAwait(false))
            {
                context.Out.WriteLine($"listening {server.Url.GetLeftPart(UriPartial.Authority)}");
                context.Out.WriteLine("ready");
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    context.Out.WriteLine("stopping: finishing in-flight requests");
                }

                await server.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        context.Out.WriteLine("stopped");
        return 0;
    }

    /// <summary>
    /// The live dashboard (FlexiAI.Dashboard) at <c>/dashboard</c>, inside the gateway's admin area: an admin gateway key is
    /// required (Bearer, or a browser's login prompt with the key as password), and admins may reset or trip a breaker.
    /// </summary>
    internal static Action<GatewayEndpoints> MapDashboard(FlexiAIGateway gateway) =>
        endpoints => endpoints.Admin.MapFlexiAIDashboard("/dashboard", o =>
        {
            o.Client = gateway.Client;
            o.RequireAuthorization(GatewayAuthorization.AdminPolicy);
            o.EnableAdminActions(GatewayAuthorization.AdminPolicy);
        });
}
