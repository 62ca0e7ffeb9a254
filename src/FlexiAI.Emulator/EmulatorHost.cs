using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlexiAI.Emulator;

/// <summary>
/// A running emulator on 127.0.0.1: one Kestrel server hosting every instance under its own path
/// (<c>http://127.0.0.1:PORT/NAME/…</c>) and the control endpoint (<c>/_emulator</c>). Dispose it to stop.
/// </summary>
/// <example>
/// <code>
/// await using var emulator = await EmulatorHost.StartAsync(EmulatorOptions.Standard());
/// emulator["openai"].Faults.FailNext(2, Fault.Status(429, retryAfter: TimeSpan.FromSeconds(1)));
/// var endpoint = emulator["openai"].BaseUrl;   // OpenAIClientOptions.Endpoint
/// </code>
/// </example>
public sealed class EmulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Dictionary<string, EmulatedInstance> _byName;

    private EmulatorHost(WebApplication app, Uri root, IReadOnlyList<EmulatedInstance> instances)
    {
        _app = app;
        Root = root;
        Instances = instances;
        _byName = instances.ToDictionary(i => i.Name, StringComparer.Ordinal);
    }

    /// <summary>Gets the server's root URL, e.g. <c>http://127.0.0.1:5123/</c>.</summary>
    public Uri Root { get; }

    /// <summary>Gets the control endpoint's URL (<c>{root}_emulator</c>).</summary>
    public Uri ControlUrl => new(Root, "_emulator");

    /// <summary>Gets the hosted instances, in configuration order.</summary>
    public IReadOnlyList<EmulatedInstance> Instances { get; }

    /// <summary>Gets an instance by name.</summary>
    /// <param name="name">The instance name.</param>
    /// <returns>The instance.</returns>
    /// <exception cref="KeyNotFoundException">No instance has that name.</exception>
    public EmulatedInstance this[string name] =>
        _byName.TryGetValue(name, out var instance) ? instance : throw new KeyNotFoundException($"No emulated instance '{name}'. Instances: {string.Join(", ", _byName.Keys)}.");

    /// <summary>Starts an emulator on 127.0.0.1.</summary>
    /// <param name="options">What to host; <see langword="null"/> hosts the standard three on a free port.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator.</returns>
    public static async Task<EmulatorHost> StartAsync(EmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= EmulatorOptions.Standard();
        var instanceOptions = options.Instances.Count > 0 ? options.Instances : EmulatorOptions.Standard().Instances;
        var duplicate = instanceOptions.GroupBy(i => i.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Two emulated instances are named '{duplicate.Key}'; names must be unique.", nameof(options));
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Replace(ServiceDescriptor.Singleton<IHostLifetime, EmbeddedHostLifetime>());
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, options.Port);
        });
        var app = builder.Build();
        var instances = new List<EmulatedInstance>();
        EmulatorServer? server = null;
        app.Run(context => server!.HandleAsync(context));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var root = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        foreach (var instance in instanceOptions)
        {
            instances.Add(new EmulatedInstance(instance, root, options.TimeProvider));
        }

        server = new EmulatorServer(instances, options.TimeProvider, app.Lifetime.ApplicationStopping);
        return new EmulatorHost(app, root, instances);
    }

    /// <summary>Stops the server and releases it.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    /// <remarks>
    /// Stopping is prompt: delays, slow streams and stalls in progress end at once (their connections are aborted, as a
    /// server going down would), and anything else still running after one second is cut.
    /// </remarks>
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Whatever is still open is cut when the timeout expires.
        }

        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
