using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using FlexiAI.Emulator;
using Microsoft.Extensions.Logging;
using OpenAI;
using OpenAI.Chat;

namespace FlexiAI.Gateway.Tests;

/// <summary>A gateway on Kestrel (127.0.0.1, port 0) over the in-process emulator: OpenAI primary, Anthropic backup.</summary>
internal sealed class GatewayRig : IAsyncDisposable
{
    public const string Key = "gw-test-key-0001";
    public const string AdminKey = "gw-admin-key-0002";
    public const string LimitedKey = "gw-limited-key-0003";

    /// <summary>The provider key: it must never appear in a response, header, log line or metric.</summary>
    public const string Canary = "sk-canary-9f8e7d6c5b4a";

    private GatewayRig(EmulatorHost emulator, FlexiAIGateway gateway, GatewayHost host, LogSink logs)
    {
        Emulator = emulator;
        Gateway = gateway;
        Host = host;
        Logs = logs;
        Http = new HttpClient { BaseAddress = host.Url };
    }

    public EmulatorHost Emulator { get; }

    public FlexiAIGateway Gateway { get; }

    public GatewayHost Host { get; }

    public LogSink Logs { get; }

    public HttpClient Http { get; }

    public static async Task<GatewayRig> StartAsync(EmulatorHost emulator, Action<FlexiAIOptions>? configure = null, Action<GatewayOptions>? gatewayConfigure = null, Action<GatewayEndpoints>? mapAdmin = null)
    {
        foreach (var name in new[] { "openai", "anthropic", "vertexai" })
        {
            emulator[name].Faults.Clear();
        }

        var options = new FlexiAIOptions();
        options.Providers.Add(new ProviderOptions { Name = "openai", Type = "openai", Priority = 1, Model = "gpt-4.1-mini", ApiKey = Canary, BaseUrl = emulator["openai"].BaseUrl });
        options.Providers.Add(new ProviderOptions { Name = "anthropic", Type = "anthropic", Priority = 2, Model = "claude-sonnet-4-5", ApiKey = Canary, BaseUrl = emulator["anthropic"].BaseUrl });
        options.Retry.MaxAttempts = 1;
        configure?.Invoke(options);

        var gateway = new GatewayOptions();
        gateway.Keys.Add(new GatewayKeyOptions { Key = Key, Tag = "team-a" });
        gateway.Keys.Add(new GatewayKeyOptions { Key = AdminKey, Admin = true });
        var limited = new GatewayKeyOptions { Key = LimitedKey, RequestsPerMinute = 2 };
        limited.Routes.Add("cheap");
        gateway.Keys.Add(limited);
        gateway.Routes["cheap"] = ["anthropic"];
        gatewayConfigure?.Invoke(gateway);

        var logs = new LogSink();
        var flexi = new FlexiAIGateway(options, gateway);
        var host = await GatewayHost.StartAsync(flexi, "127.0.0.1", 0, logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace), mapAdmin, TestContext.Current.CancellationToken);
        return new GatewayRig(emulator, flexi, host, logs);
    }

    /// <summary>An official OpenAI SDK chat client pointed at the gateway (no SDK retries: the tests count requests).</summary>
    public ChatClient Sdk(string model = "default", string key = Key) =>
        new(model, new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(Host.Url, "v1"), RetryPolicy = new ClientRetryPolicy(0) });

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
        Gateway.Dispose();
    }

    /// <summary>Collects every log line the gateway's host writes.</summary>
    internal sealed class LogSink : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(LogSink sink, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                sink.Lines.Enqueue($"{category} {logLevel} {formatter(state, exception)} {exception}");
        }
    }
}
