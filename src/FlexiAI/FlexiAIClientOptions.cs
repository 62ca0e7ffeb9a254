using Microsoft.Extensions.Logging;

namespace FlexiAI;

/// <summary>Services and extensions for a <see cref="FlexiAIClient"/> that are not configuration: clock, logging, hooks, provider factories.</summary>
public sealed class FlexiAIClientOptions
{
    /// <summary>Gets or sets the clock. Default <see cref="TimeProvider.System"/>; tests use <c>FakeTimeProvider</c>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets the logger factory. Default: no logging (unless <see cref="LoggingOptions.File"/> is set).</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Gets or sets the hooks the client runs. Default: a new, empty set (also reachable as <see cref="FlexiAIClient.Hooks"/>).</summary>
    public FlexiAIHooks? Hooks { get; set; }

    /// <summary>Gets custom provider factories, consulted before the built-in ones.</summary>
    public IList<ProviderFactory> ProviderFactories { get; } = [];

    /// <summary>Gets or sets an HTTP handler the built-in providers send through (proxies, tests). Default: none.</summary>
    public HttpMessageHandler? HttpMessageHandler { get; set; }

    /// <summary>Gets or sets the source of jitter for retry delays. Default <see cref="Random.Shared"/>.</summary>
    public Random? Random { get; set; }

    /// <summary>
    /// Gets or sets how the providers' usual environment variables (<c>OPENAI_API_KEY</c>, <c>ANTHROPIC_API_KEY</c>,
    /// <c>GOOGLE_CLOUD_PROJECT</c>, …) are read to fill what a provider lacks. Default: the process environment. Replace it to
    /// read from elsewhere (a secret store, a test).
    /// </summary>
    public Func<string, string?> EnvironmentVariables { get; set; } = Environment.GetEnvironmentVariable;

    /// <summary>
    /// Gets or sets the sliding window of <see cref="FlexiAIClient.GetMetrics"/>'s success rates and latency percentiles. Default 5 minutes;
    /// must be positive. Totals are counted since the client's creation or the last <see cref="FlexiAIClient.ResetMetrics"/>, whatever the window.
    /// </summary>
    public TimeSpan MetricsWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets the factories of shared stores that <c>circuit_breaker.store</c> may name (e.g. FlexiAI.Redis's <c>redis</c>; add it with
    /// <c>clientOptions.UseRedis()</c>). In a service container, registered <see cref="CircuitStoreFactory"/> services are added too.
    /// </summary>
    public IList<CircuitStoreFactory> StoreFactories { get; } = [];

    /// <summary>Gets factories of extra admission gates, asked once per provider after the circuit breaker's gate (internal seam for rate limits and budgets; tests use it).</summary>
    internal List<Func<RoutedProvider, AdmissionGate?>> AdmissionGates { get; } = [];
}
