using Microsoft.Extensions.Logging;

namespace FlexiAI.Redis;

/// <summary>The Redis stores' log messages (event ids 7101–7199).</summary>
internal static partial class RedisLog
{
    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning,
        Message = "Redis ({Connection}, prefix {Prefix}) is unavailable: {Reason}. FlexiAI goes on with each instance's local breaker state, budgets and rate limits (fail open) and resynchronises when Redis answers again.")]
    public static partial void Unavailable(ILogger logger, string connection, string prefix, string reason);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Information,
        Message = "Redis ({Connection}, prefix {Prefix}) answers again; shared state resynchronised (newest version wins).")]
    public static partial void Recovered(ILogger logger, string connection, string prefix);
}
