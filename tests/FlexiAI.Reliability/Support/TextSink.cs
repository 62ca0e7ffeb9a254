using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace FlexiAI.Reliability.Support;

/// <summary>
/// A source of text FlexiAI produces that the canary scan must read, beyond logs, exceptions, route reports, exports and
/// hook contexts (which <see cref="TextSink"/> captures itself). Extension point: when observability lands, register one
/// that yields every metric tag and every exported span/attribute; when a Redis state store lands, one that yields its
/// connection descriptions and errors (with a canary password in its connection string).
/// </summary>
public interface ICanarySource
{
    /// <summary>Returns the texts to scan.</summary>
    IEnumerable<string> Collect();
}

/// <summary>
/// Everything FlexiAI writes, as text, scanned on arrival for the canaries (each key and its first 12 characters): log lines at
/// Trace with their exceptions and scopes, exception <c>ToString()</c>s, route reports, configuration exports, provider statuses,
/// hook contexts and any registered <see cref="ICanarySource"/>. Only the counts and the first few hits are kept, so a long run
/// stays small.
/// </summary>
public sealed class TextSink : ILoggerProvider
{
    private readonly string[] _needles;
    private readonly ConcurrentQueue<string> _hits = new();
    private long _bytes;
    private long _hitCount;
    private long _texts;

    public TextSink(IEnumerable<string> canaries)
    {
        _needles = [.. canaries.SelectMany(c => new[] { c, c[..12] }).Distinct()];
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(this));
    }

    public List<ICanarySource> Sources { get; } = [];

    public ILoggerFactory LoggerFactory { get; }

    public long Bytes => Interlocked.Read(ref _bytes);

    public long Hits => Interlocked.Read(ref _hitCount);

    public long Texts => Interlocked.Read(ref _texts);

    public IReadOnlyCollection<string> FirstHits => _hits;

    public void Add(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        Interlocked.Increment(ref _texts);
        Interlocked.Add(ref _bytes, text.Length);
        foreach (var needle in _needles)
        {
            for (var at = text.IndexOf(needle, StringComparison.Ordinal); at >= 0; at = text.IndexOf(needle, at + 1, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _hitCount);
                if (_hits.Count < 20)
                {
                    _hits.Enqueue(text.Substring(Math.Max(0, at - 80), Math.Min(text.Length - Math.Max(0, at - 80), 200)));
                }
            }
        }
    }

    /// <summary>Scans a file FlexiAI wrote (its <c>logging.file</c>).</summary>
    public void AddFile(string path)
    {
        if (File.Exists(path))
        {
            Add(File.ReadAllText(path));
        }
    }

    /// <summary>Collects the registered sources.</summary>
    public void CollectSources()
    {
        foreach (var source in Sources)
        {
            foreach (var text in source.Collect())
            {
                Add(text);
            }
        }
    }

    /// <summary>Hooks that write every context field into the sink.</summary>
    public FlexiAIHooks Hooks()
    {
        var hooks = new FlexiAIHooks();
        foreach (var kind in Enum.GetValues<FlexiAIHookEvent>())
        {
            hooks.Add(kind, (ctx, _) =>
            {
                var text = new StringBuilder()
                    .Append(ctx.Event).Append(' ').Append(ctx.CorrelationId).Append(' ').Append(ctx.Provider).Append(' ').Append(ctx.Model)
                    .Append(' ').Append(ctx.AttemptNumber).Append(' ').Append(ctx.NextProvider)
                    .Append(' ').Append(ctx.Response?.Text).Append(' ').Append(ctx.Route)
                    .Append(' ').Append(ctx.Exception).Append(' ').Append(ctx.CircuitChange);
                if (ctx.Messages is { } messages)
                {
                    foreach (var message in messages)
                    {
                        text.Append(' ').Append(message.Role).Append(':').Append(message.Text);
                    }
                }

                if (ctx.Options?.AdditionalProperties is { } props)
                {
                    foreach (var (key, value) in props)
                    {
                        text.Append(' ').Append(key).Append('=').Append(value);
                    }
                }

                Add(text.ToString());
                return ValueTask.CompletedTask;
            });
        }

        return hooks;
    }

    public ILogger CreateLogger(string categoryName) => new SinkLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class SinkLogger(TextSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            sink.Add(state.ToString());
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                sink.Add(string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}")));
            }

            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            sink.Add($"{logLevel} {category} {eventId} {formatter(state, exception)} {exception}");
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                sink.Add(string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}")));
            }
        }
    }
}
