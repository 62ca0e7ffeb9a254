using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace FlexiAI;

/// <summary>
/// Appends FlexiAI's log lines to <see cref="LoggingOptions.File"/> without blocking the caller on disk I/O: a line is formatted
/// and redacted on the caller's thread, queued, and written by one background loop that flushes whenever the queue drains.
/// </summary>
/// <remarks>
/// The queue holds <see cref="Capacity"/> lines; when the disk cannot keep up and it is full, new lines are dropped and counted,
/// and the next write says how many were lost. A line that fails to write (disk full, file removed) is counted the same way.
/// <see cref="Dispose"/> stops taking lines and waits, at most <see cref="DisposeWait"/>, for the queued ones to reach the file.
/// </remarks>
internal sealed class FileLogger : ILogger, IDisposable
{
    /// <summary>The most lines waiting for the disk; beyond it new lines are dropped and counted.</summary>
    public const int Capacity = 10_000;

    /// <summary>The longest <see cref="Dispose"/> waits for queued lines to be written.</summary>
    public static readonly TimeSpan DisposeWait = TimeSpan.FromSeconds(5);

    private readonly Channel<Entry> _queue;
    private readonly StreamWriter _writer;
    private readonly TimeProvider _time;
    private readonly TimeSpan _disposeWait;
    private readonly int _capacity;
    private readonly Task _loop;
    private long _dropped;
    private int _closed;

    public FileLogger(string path, TimeProvider time)
        : this(Open(path), time, Capacity, DisposeWait)
    {
    }

    /// <summary>Writes to <paramref name="stream"/> (owned: disposed when the logger is); the seam tests use to slow the disk down.</summary>
    internal FileLogger(Stream stream, TimeProvider time, int capacity, TimeSpan disposeWait)
    {
        _time = time;
        _capacity = capacity;
        _disposeWait = disposeWait;
        _writer = new StreamWriter(stream);
        _queue = Channel.CreateBounded<Entry>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: the line is dropped and counted, never waited for.
            AllowSynchronousContinuations = false,
        });
        _loop = Task.Run(WriteLoopAsync);
    }

    /// <summary>Gets how many lines were dropped (queue full or a failed write) and not yet reported in the file.</summary>
    public long PendingDropped => Interlocked.Read(ref _dropped);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        var line = string.Create(CultureInfo.InvariantCulture, $"{_time.GetUtcNow():O} {logLevel,-11} {SecretMasker.Redact(formatter(state, exception))}");
        if (exception is not null)
        {
            line += " | " + SecretMasker.Redact(RedactedException.DisplayTypeName(exception) + ": " + exception.Message);
        }

        if (!_queue.Writer.TryWrite(new Entry(line, null)) && Volatile.Read(ref _closed) == 0)
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Waits until every line queued before the call is written and flushed.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await _queue.Writer.WriteAsync(new Entry(null, flushed), cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return; // Disposed: Dispose already waited for the queue.
        }

        await flushed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops taking lines and waits, at most the dispose bound, for the queued ones to reach the file; the loop closes the file.</summary>
    public void Dispose()
    {
        Volatile.Write(ref _closed, 1);
        if (_queue.Writer.TryComplete())
        {
            // Bounded: a stuck disk must not hang the application's shutdown. The loop never faults.
            _loop.Wait(_disposeWait);
        }
    }

    private static FileStream Open(string path)
    {
        try
        {
            var full = Path.GetFullPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            return new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ConfigurationException("logging.file", $"The log file '{path}' cannot be opened for appending ({ex.Message}). Point logging.file at a writable path or remove it.", ex);
        }
    }

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                List<TaskCompletionSource>? flushed = null;
                while (reader.TryRead(out var entry))
                {
                    if (entry.Flushed is { } done)
                    {
                        (flushed ??= []).Add(done);
                    }
                    else
                    {
                        Write(entry.Line!);
                    }
                }

                // The queue drained: report losses and flush once for the whole batch.
                ReportDropped();
                await FlushQuietlyAsync().ConfigureAwait(false);
                flushed?.ForEach(static f => f.TrySetResult());
            }

            ReportDropped();
            await FlushQuietlyAsync().ConfigureAwait(false);
        }
        finally
        {
            await DisposeQuietlyAsync().ConfigureAwait(false);
        }
    }

    private void Write(string line)
    {
        try
        {
            _writer.WriteLine(line);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or NotSupportedException)
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    private async Task FlushQuietlyAsync()
    {
        try
        {
            await _writer.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or NotSupportedException)
        {
            // The buffered lines go out with the next flush, or are lost with the file; nowhere else to report it.
        }
    }

    private async Task DisposeQuietlyAsync()
    {
        try
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or NotSupportedException)
        {
            // Closing a failed file: nothing left to report the failure to.
        }
    }

    private void ReportDropped()
    {
        var dropped = Interlocked.Exchange(ref _dropped, 0);
        if (dropped > 0)
        {
            Write(string.Create(CultureInfo.InvariantCulture, $"{_time.GetUtcNow():O} {LogLevel.Warning,-11} {dropped} FlexiAI log line(s) were dropped: the log file could not keep up (more than {_capacity} lines waiting) or a write failed."));
        }
    }

    /// <summary>A queued line, or (with <see cref="Flushed"/>) a request to signal once everything before it is flushed.</summary>
    private readonly record struct Entry(string? Line, TaskCompletionSource? Flushed);
}
