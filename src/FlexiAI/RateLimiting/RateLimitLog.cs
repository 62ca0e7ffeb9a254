using Microsoft.Extensions.Logging;

namespace FlexiAI;

/// <summary>The rate-limit gate's log messages.</summary>
internal static partial class RateLimitLog
{
    [LoggerMessage(EventId = 7201, Level = LogLevel.Debug, Message = "The shared rate-limit store failed for provider {Provider}; this process uses its local window for a second: {Error}")]
    public static partial void StoreFailed(ILogger logger, string provider, string error);

    [LoggerMessage(EventId = 7202, Level = LogLevel.Debug, Message = "Correcting the token rate limit of provider {Provider} to actual usage failed; its estimate stays counted: {Error}")]
    public static partial void CorrectionFailed(ILogger logger, string provider, string error);
}
