using Microsoft.Extensions.Logging;

namespace FlexiAI;

/// <summary>The circuit breaker's log messages (event ids 100 and up; values are never secrets — store messages are redacted first).</summary>
internal static partial class BreakerLog
{
    [LoggerMessage(100, LogLevel.Warning, "Circuit state store {Store} failed for provider {Provider} ({Reason}); breakers use their local state until it answers again")]
    public static partial void StoreUnavailable(ILogger logger, string store, string provider, string reason);

    [LoggerMessage(101, LogLevel.Information, "Circuit state store {Store} answers again (provider {Provider}); breakers share its state again")]
    public static partial void StoreRecovered(ILogger logger, string store, string provider);

    [LoggerMessage(102, LogLevel.Warning, "Circuit state store {Store} could not subscribe to changes of provider {Provider} ({Reason}); polling it every {IntervalMs:F0} ms instead")]
    public static partial void SubscribeFailed(ILogger logger, string store, string provider, string reason, double intervalMs);
}
