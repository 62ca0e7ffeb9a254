using System.Globalization;
using Microsoft.Extensions.Logging;

namespace FlexiAI;

/// <summary>Appends FlexiAI's log lines to <see cref="LoggingOptions.File"/>; thread-safe, flushed per line.</summary>
internal sealed class FileLogger : ILogger, IDisposable
{
    private readonly object _gate = new();
    private readonly StreamWriter _writer;
    private readonly TimeProvider _time;

    public FileLogger(string path, TimeProvider time)
    {
        _time = time;
        try
        {
            var full = Path.GetFullPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            _writer = new StreamWriter(new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ConfigurationException("logging.file", $"The log file '{path}' cannot be opened for appending ({ex.Message}). Point logging.file at a writable path or remove it.", ex);
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        var line = string.Create(CultureInfo.InvariantCulture, $"{_time.GetUtcNow():O} {logLevel,-11} {SecretMasker.Redact(formatter(state, exception))}");
        if (exception is not null)
        {
            line += " | " + SecretMasker.Redact(exception.GetType().Name + ": " + exception.Message);
        }

        lock (_gate)
        {
            _writer.WriteLine(line);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _writer.Dispose();
        }
    }
}
