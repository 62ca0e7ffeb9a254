using Microsoft.Extensions.Logging;

namespace FlexiAI;

/// <summary>Sends each log call to two loggers (the host's and the log file).</summary>
internal sealed class CompositeLogger(ILogger first, ILogger second) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => first.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => first.IsEnabled(logLevel) || second.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (first.IsEnabled(logLevel))
        {
            first.Log(logLevel, eventId, state, exception, formatter);
        }

        if (second.IsEnabled(logLevel))
        {
            second.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
