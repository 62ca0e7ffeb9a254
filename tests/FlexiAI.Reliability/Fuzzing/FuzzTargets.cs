using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.AI;

namespace FlexiAI.Reliability.Fuzzing;

/// <summary>Describes an unexpected exception by type and first frame, so one defect is one crash however many inputs hit it.</summary>
internal static class CrashText
{
    public static string Of(Exception ex, string context)
    {
        var frame = ex.StackTrace?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("at ", StringComparison.Ordinal)) ?? "?";
        return $"{context}: {ex.GetType().FullName} {frame} — {ex.Message}";
    }
}

/// <summary>
/// <c>ProviderAdapter.ParseRetryAfter(retry-after-ms, Retry-After, now)</c>: input is two lines (the headers; <c>-</c> for absent).
/// Documented: the delay (never negative) or null — never an exception.
/// </summary>
public sealed class RetryAfterTarget : IFuzzTarget
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    public string Name => "retry-after";

    public Task<string?> RunAsync(string input, CancellationToken cancellationToken)
    {
        var lines = input.Split('\n', 2);
        var ms = lines[0] == "-" ? null : lines[0];
        var ra = lines.Length < 2 || lines[1] == "-" ? null : lines[1];
        try
        {
            var delay = ProviderAdapter.ParseRetryAfter(ms, ra, Now);
            return Task.FromResult(delay < TimeSpan.Zero ? $"negative delay {delay}" : null);
        }
        catch (Exception ex)
        {
            return Task.FromResult<string?>(CrashText.Of(ex, "ParseRetryAfter threw"));
        }
    }
}

/// <summary>
/// The configuration binder and validator: <c>FlexiAIConfiguration.LoadJson</c>, <c>Validate</c>, then building a client.
/// Documented: a <c>ConfigurationException</c> whose errors each name a path and a fix, or a working client — nothing else.
/// </summary>
public sealed class ConfigurationTarget : IFuzzTarget
{
    public string Name => "configuration";

    public Task<string?> RunAsync(string input, CancellationToken cancellationToken)
    {
        FlexiAIOptions options;
        try
        {
            options = FlexiAIConfiguration.LoadJson(new MemoryStream(Encoding.UTF8.GetBytes(input)), [], null);
        }
        catch (ConfigurationException ex)
        {
            return Task.FromResult(CheckErrors(ex.Errors, "LoadJson"));
        }
        catch (Exception ex)
        {
            return Task.FromResult<string?>(CrashText.Of(ex, "LoadJson threw"));
        }

        IReadOnlyList<ConfigurationError> errors;
        try
        {
            errors = FlexiAIConfiguration.Validate(options);
        }
        catch (Exception ex)
        {
            return Task.FromResult<string?>(CrashText.Of(ex, "Validate threw"));
        }

        if (CheckErrors(errors, "Validate") is { } bad)
        {
            return Task.FromResult<string?>(bad);
        }

        try
        {
            using var client = new FlexiAIClient(options, new FlexiAIClientOptions { EnvironmentVariables = _ => null });
            _ = client.ExportConfiguration();
            return Task.FromResult<string?>(errors.Count > 0 ? $"Validate reported {errors.Count} problem(s) but the client was built: {errors[0]}" : null);
        }
        catch (ConfigurationException ex)
        {
            return Task.FromResult(errors.Count == 0 && ex.Errors.Count > 0 && CheckErrors(ex.Errors, "new FlexiAIClient") is null ? null : CheckErrors(ex.Errors, "new FlexiAIClient"));
        }
        catch (Exception ex)
        {
            return Task.FromResult<string?>(CrashText.Of(ex, "new FlexiAIClient threw"));
        }
    }

    private static string? CheckErrors(IReadOnlyList<ConfigurationError> errors, string stage) =>
        errors.FirstOrDefault(e => string.IsNullOrWhiteSpace(e.Path) || string.IsNullOrWhiteSpace(e.Message)) is { } vague
            ? $"{stage}: a configuration error without a path or message: '{vague}'"
            : null;
}

/// <summary>
/// The Vertex AI response reader and SSE reader, through a <see cref="FlexiAIClient"/> whose HTTP handler answers with the input.
/// Documented: an answer, or a classified failure (malformed data is ServerError, a Vertex error body its category) — never an
/// unclassifiable exception (category Unknown) and never anything but FlexiAI's exceptions.
/// </summary>
public sealed class VertexTarget : IFuzzTarget, IDisposable
{
    private readonly bool _stream;
    private readonly FlexiAIClient _client;
    private string _body = string.Empty;

    public VertexTarget(bool stream)
    {
        _stream = stream;
        var options = new FlexiAIOptions();
        options.Retry.MaxAttempts = 1;
        options.CircuitBreaker.FailureThreshold = 1_000_000;
        var provider = new ProviderOptions { Name = "vertexai", Type = "vertexai", Model = "gemini-3.5-flash", BaseUrl = new Uri("http://vertex.fuzz.invalid") };
        provider.Settings["project"] = "fuzz";
        provider.Settings["location"] = "us-central1";
        provider.Settings["access_token"] = "fuzz-token";
        options.Providers.Add(provider);
        _client = new FlexiAIClient(options, new FlexiAIClientOptions { EnvironmentVariables = _ => null, HttpMessageHandler = new Answer(this) });
    }

    public string Name => _stream ? "vertex-sse" : "vertex-response";

    public async Task<string?> RunAsync(string input, CancellationToken cancellationToken)
    {
        _body = input;
        try
        {
            if (_stream)
            {
                await foreach (var update in _client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "fuzz")], null, cancellationToken).ConfigureAwait(false))
                {
                    _ = update.Text;
                }
            }
            else
            {
                _ = (await _client.GetResponseAsync("fuzz", null, cancellationToken).ConfigureAwait(false)).Text;
            }

            return null;
        }
        catch (AllProvidersFailedException ex)
        {
            return Unclassified(ex.Errors.OfType<ProviderException>());
        }
        catch (StreamInterruptedException ex)
        {
            return ex.InnerException is ProviderException p ? Unclassified([p]) : (ex.Category == ErrorCategory.Unknown ? "stream interrupted by an unclassified failure" : null);
        }
        catch (ProviderException ex)
        {
            return Unclassified([ex]);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return $"hang: no result within {FuzzEngine.HangLimit.TotalSeconds:0} s";
        }
        catch (Exception ex)
        {
            return CrashText.Of(ex, "the client threw");
        }
    }

    public void Dispose() => _client.Dispose();

    // Unknown is documented for a Vertex error body with a status outside the tables (docs/errors.md, Unknown); anything else
    // unclassified is an exception the reader did not expect — a crash.
    private static string? Unclassified(IEnumerable<ProviderException> errors) =>
        errors.FirstOrDefault(e => e.Category == ErrorCategory.Unknown && (e.InnerException as RedactedException)?.OriginalTypeName != typeof(VertexAIException).FullName) is { } unknown
            ? $"unclassified failure: {(unknown.InnerException as RedactedException)?.OriginalTypeName ?? unknown.InnerException?.GetType().FullName} — {FirstFrame(unknown.InnerException)}"
            : null;

    private static string FirstFrame(Exception? ex) =>
        ex?.StackTrace?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("at ", StringComparison.Ordinal)) ?? "?";

    private sealed class Answer(VertexTarget target) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(target._body, Encoding.UTF8, target._stream ? "text/event-stream" : "application/json"),
                RequestMessage = request,
            };
            return Task.FromResult(response);
        }
    }
}

/// <summary>The fuzz targets by name.</summary>
public static class FuzzTargets
{
    public static readonly string[] Names = ["retry-after", "configuration", "vertex-response", "vertex-sse"];

    public static IFuzzTarget Create(string name) => name switch
    {
        "retry-after" => new RetryAfterTarget(),
        "configuration" => new ConfigurationTarget(),
        "vertex-response" => new VertexTarget(stream: false),
        "vertex-sse" => new VertexTarget(stream: true),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "retry-after, configuration, vertex-response or vertex-sse"),
    };

    public static string Format(FuzzReport report) => string.Create(CultureInfo.InvariantCulture,
        $"fuzz {report.Target}: {report.Executions} executions in {report.Elapsed.TotalSeconds:F1} s, {report.Crashes.Count} distinct crashes");
}
