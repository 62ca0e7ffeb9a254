using Microsoft.Extensions.Logging;

namespace FlexiAI;

/// <summary>
/// The logger FlexiAI writes through: applies <see cref="LoggingOptions.Level"/> on top of the host's own filters, and hands
/// the host's providers (and the log file) only exceptions that are safe to print (<see cref="SecretMasker.Scrub(Exception?, int?)"/>:
/// a hook's or a provider's raw exception becomes a <see cref="RedactedException"/>).
/// </summary>
internal sealed class LevelFilteredLogger(ILogger inner, LogLevel minimum) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            var safe = SecretMasker.Scrub(exception);
            inner.Log(logLevel, eventId, state, safe, formatter);
        }
    }
}
