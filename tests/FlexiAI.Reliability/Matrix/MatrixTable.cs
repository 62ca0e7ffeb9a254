using FlexiAI.Emulator;

namespace FlexiAI.Reliability.Matrix;

/// <summary>
/// THE fault matrix: every fault the emulator can inject, on each provider as primary (with another emulated provider as
/// backup), as a response and as a stream. The tests (<c>FaultMatrixTests</c>) and docs/reliability.md
/// (<see cref="MatrixDocument"/>) are both generated from this one table.
/// </summary>
public static class MatrixTable
{
    /// <summary>Attempts per provider in every cell (the first included): one retry, so "retried" is visible as 2 upstream calls.</summary>
    public const int MaxAttempts = 2;

    /// <summary>The <c>retry.max_retry_after</c> cap in every cell (the default).</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The primary's attempt / first-token / idle timeout in cells that stall. Not shorter: on a loaded 2-core machine a
    /// 400 ms timeout once fired before the request reached the emulator (an attempt with no upstream call), and with the
    /// gateway, dashboard (Chromium) and fleet (three processes and a Redis) test projects running beside this one, 2 s did
    /// too (no-answer/Stream/openai, stall-mid-stream/Stream/vertexai failed in the whole suite and passed alone).
    /// </summary>
    public static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(4);

    private static readonly CallMode[] Both = [CallMode.Response, CallMode.Stream];
    private static readonly CallMode[] StreamOnly = [CallMode.Stream, CallMode.StreamContinue];

    private static Func<string, ErrorCategory> All(ErrorCategory category) => _ => category;

    public static readonly IReadOnlyList<FaultCase> Faults =
    [
        new("429-retry-after-below-cap", "429 with `Retry-After: 1` (below the 10 s cap)", _ => Fault.Status(429, retryAfter: TimeSpan.FromSeconds(1)), Both, All(ErrorCategory.RateLimited), MinWait: TimeSpan.FromSeconds(1)),
        new("429-retry-after-above-cap", "429 with `Retry-After: 20` (above the 10 s cap)", _ => Fault.Status(429, retryAfter: TimeSpan.FromSeconds(20)), Both, All(ErrorCategory.RateLimited), RetryAfterAboveCap: true),
        new("429-retry-after-ms", "429 with `retry-after-ms: 150`", _ => Fault.Status(429, retryAfterMs: TimeSpan.FromMilliseconds(150)), Both, All(ErrorCategory.RateLimited), MinWait: TimeSpan.FromMilliseconds(150)),
        new("500", "HTTP 500", _ => Fault.Status(500), Both, All(ErrorCategory.ServerError)),
        new("502", "HTTP 502", _ => Fault.Status(502), Both, All(ErrorCategory.ServerError)),
        new("503", "HTTP 503", _ => Fault.Status(503), Both, All(ErrorCategory.Overloaded)),
        new("504", "HTTP 504", _ => Fault.Status(504), Both, All(ErrorCategory.Timeout)),
        new("529", "HTTP 529 (Anthropic overloaded)", _ => Fault.Status(529), Both, All(ErrorCategory.Overloaded), Providers: ["anthropic"]),
        new("401", "HTTP 401", _ => Fault.Status(401), Both, All(ErrorCategory.Authentication)),
        new("403", "HTTP 403", _ => Fault.Status(403), Both, All(ErrorCategory.PermissionDenied)),
        new("400", "HTTP 400 (bad request)", _ => Fault.Status(400), Both, All(ErrorCategory.InvalidRequest)),
        new("404-model", "HTTP 404 (unknown model)", _ => Fault.Status(404), Both, All(ErrorCategory.NotFound)),
        new("413", "HTTP 413 (request too large)", _ => Fault.Status(413), Both, All(ErrorCategory.InvalidRequest)),
        new("context-length", "HTTP 400 with the provider's context-length message", ContextLength, Both, All(ErrorCategory.ContextLengthExceeded)),
        new("reset", "connection reset before any header", _ => Fault.ResetConnection(), Both, All(ErrorCategory.Network)),
        new("no-answer", "no answer at all (attempt / first-token timeout)", _ => Fault.Stall(0), Both, All(ErrorCategory.Timeout), NeedsTimeouts: true),
        new("malformed-json", "malformed JSON body", _ => Fault.MalformedJson(), [CallMode.Response], All(ErrorCategory.ServerError)),
        new("truncated-body", "half a JSON body", _ => Fault.Truncate(), [CallMode.Response], All(ErrorCategory.ServerError)),
        new("stall-mid-stream", "stream stalls after 2 chunks (idle timeout)", _ => Fault.Stall(2), StreamOnly, All(ErrorCategory.Timeout), MidStream: true, NeedsTimeouts: true),
        new("truncated-stream", "stream ends after 2 chunks without its terminal event", _ => Fault.Truncate(2), StreamOnly, All(ErrorCategory.Network), MidStream: true),
        new("malformed-chunk", "a broken `data:` payload after 2 chunks", _ => Fault.MalformedJson(2), StreamOnly, All(ErrorCategory.ServerError), MidStream: true),
        new("stream-error-event", "the provider's mid-stream overloaded error event after 2 chunks (Anthropic 529, others 503)", kind => Fault.StreamError(2, OverloadedStatus(kind)), StreamOnly, StreamErrorCategory, MidStream: true),
        new("truncated-before-text", "stream ends before any text, without its terminal event", _ => Fault.Truncate(0), [CallMode.Stream], All(ErrorCategory.Network)),
        new("stream-error-before-text", "the provider's overloaded error event before any text", kind => Fault.StreamError(0, OverloadedStatus(kind)), [CallMode.Stream], StreamErrorCategory),
    ];

    /// <summary>Every (fault, mode, primary) cell, in the table's order.</summary>
    public static IEnumerable<MatrixCell> Cells() =>
        from fault in Faults
        from mode in fault.Modes
        from primary in fault.Providers ?? Support.Emulated.Kinds
        select new MatrixCell(fault, mode, primary);

    private static Fault ContextLength(string kind) => Fault.Status(400, message: kind switch
    {
        "openai" => "This model's maximum context length is 128000 tokens. However, your messages resulted in 250000 tokens.",
        "anthropic" => "prompt is too long: 250000 tokens > 200000 maximum",
        _ => "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).",
    });

    // docs/errors.md, Network: OpenAI "a mid-stream error payload (the SDK does not raise on it; the stream ends without its
    // finish reason)"; Overloaded: Anthropic "529 overloaded_error, also as a mid-stream event: error"; Vertex: classified like
    // an HTTP error of the same kind (docs/streaming.md), 529 → Overloaded.
    private static ErrorCategory StreamErrorCategory(string kind) => kind == "openai" ? ErrorCategory.Network : ErrorCategory.Overloaded;

    private static int OverloadedStatus(string kind) => kind == "anthropic" ? 529 : 503;
}

/// <summary>One cell of the matrix.</summary>
public sealed record MatrixCell(FaultCase Fault, CallMode Mode, string Primary)
{
    public string Backup => Support.Emulated.BackupOf(Primary);

    public override string ToString() => $"{Fault.Id} / {Mode} / {Primary}";
}
