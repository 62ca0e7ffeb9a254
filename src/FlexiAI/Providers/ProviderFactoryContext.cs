using Microsoft.Extensions.Logging;

namespace FlexiAI;

/// <summary>Services a <see cref="ProviderFactory"/> may use when it creates a client.</summary>
/// <param name="TimeProvider">The client's clock.</param>
/// <param name="LoggerFactory">The client's logger factory.</param>
/// <param name="HttpMessageHandler">An HTTP handler to send requests through (tests, proxies), or <see langword="null"/> for the default.</param>
public sealed record ProviderFactoryContext(TimeProvider TimeProvider, ILoggerFactory LoggerFactory, HttpMessageHandler? HttpMessageHandler);
