using FlexiAI.Tests.TestSupport;
using Microsoft.Extensions.Logging;

namespace FlexiAI.Tests.Logging;

public class FileLoggerTests
{
    [Fact]
    public async Task LoggingFile_ReceivesLinesAtOrAboveTheLevel_WithKeysMasked()
    {
        const string key = "sk-filelog-canary-0123456789abcdef";
        var path = Path.Combine(Path.GetTempPath(), $"flexiai-{Guid.NewGuid():N}", "flexiai.log");
        var a = new FakeChatClient("a").ThenThrow(() => new HttpRequestException($"bad key {key}", null, System.Net.HttpStatusCode.Unauthorized));
        var options = TestClients.Options(a, FakeChatClient.Answering("b"));
        options.Providers[0].ApiKey = key;
        options.Logging.File = path;
        options.Logging.Level = LogLevel.Warning;
        using (var client = TestClients.Create(options))
        {
            await client.Ask();
        }

        var lines = await File.ReadAllLinesAsync(path);
        Assert.Contains(lines, l => l.Contains("Warning", StringComparison.Ordinal) && l.Contains("Provider a failed attempt 1: Authentication", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("Information", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public void LoggingFile_Unwritable_IsAConfigurationError()
    {
        var options = TestClients.Options(FakeChatClient.Answering("a"));
        options.Logging.File = "/proc/flexiai/cannot/write.log";
        var error = Assert.Throws<ConfigurationException>(() => TestClients.Create(options));
        Assert.Equal("logging.file", error.Errors[0].Path);
    }

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Logging_never_waits_for_the_disk_and_a_full_queue_drops_and_counts()
    {
        var disk = new GatedStream();
        var logger = new FileLogger(disk, TimeProvider.System, capacity: 4, disposeWait: Bound);

        // The disk hangs on the first write; the caller goes on, the queue fills, the rest is dropped and counted.
        Write(logger, "first");
        await disk.Entered.Task.WaitAsync(Bound, TestContext.Current.CancellationToken);
        await Task.Run(() =>
        {
            for (var i = 0; i < 20; i++)
            {
                Write(logger, $"line {i}");
            }
        }, TestContext.Current.CancellationToken).WaitAsync(Bound, TestContext.Current.CancellationToken);
        Assert.Equal(16, logger.PendingDropped);

        disk.Open.Set();
        logger.Dispose();

        var lines = disk.Lines();
        Assert.Contains(lines, l => l.EndsWith("first", StringComparison.Ordinal));
        Assert.Equal(4, lines.Count(l => l.Contains(" line ", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.Contains("16 FlexiAI log line(s) were dropped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dispose_writes_every_queued_line_and_FlushAsync_makes_them_visible_before()
    {
        var path = Path.Combine(Path.GetTempPath(), $"flexiai-{Guid.NewGuid():N}", "flexiai.log");
        var logger = new FileLogger(path, TimeProvider.System);
        Write(logger, "before flush");
        await logger.FlushAsync(TestContext.Current.CancellationToken);
        Assert.EndsWith("before flush", Assert.Single(ReadShared(path)), StringComparison.Ordinal);

        for (var i = 0; i < 1000; i++)
        {
            Write(logger, $"line {i}");
        }

        logger.Dispose();
        Write(logger, "after dispose"); // ignored, not counted

        var lines = ReadShared(path);
        Assert.Equal(1001, lines.Length);
        Assert.EndsWith("line 999", lines[^1], StringComparison.Ordinal);
        Assert.Equal(0, logger.PendingDropped);
    }

    [Fact]
    public async Task Dispose_waits_for_a_hung_disk_only_up_to_its_bound()
    {
        var disk = new GatedStream();
        var logger = new FileLogger(disk, TimeProvider.System, capacity: 16, disposeWait: TimeSpan.FromMilliseconds(100));
        Write(logger, "stuck");
        await disk.Entered.Task.WaitAsync(Bound, TestContext.Current.CancellationToken);

        await Task.Run(logger.Dispose, TestContext.Current.CancellationToken).WaitAsync(Bound, TestContext.Current.CancellationToken);

        disk.Open.Set(); // the loop then finishes and closes the stream on its own
        await TestClients.Until(() => disk.Closed);
    }

    private static void Write(ILogger logger, string text) => logger.Log(LogLevel.Warning, default, text, null, static (s, _) => s);

    private static string[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>A disk that blocks every write until opened.</summary>
    private sealed class GatedStream : Stream
    {
        private readonly MemoryStream _written = new();

        public ManualResetEventSlim Open { get; } = new();

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Closed { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public string[] Lines()
        {
            lock (_written)
            {
                return System.Text.Encoding.UTF8.GetString(_written.ToArray()).Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
            }
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Entered.TrySetResult();
            Open.Wait();
            lock (_written)
            {
                _written.Write(buffer, offset, count);
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer, offset, count);
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.ToArray(), 0, buffer.Length);
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Closed = true;
            base.Dispose(disposing);
        }
    }
}
