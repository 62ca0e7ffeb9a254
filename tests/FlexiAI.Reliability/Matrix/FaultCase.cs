using FlexiAI.Emulator;

namespace FlexiAI.Reliability.Matrix;

/// <summary>How a matrix cell calls FlexiAI.</summary>
public enum CallMode
{
    /// <summary><c>GetResponseAsync</c>.</summary>
    Response,

    /// <summary><c>GetStreamingResponseAsync</c> with the default mid-stream policy (<c>fail</c>).</summary>
    Stream,

    /// <summary><c>GetStreamingResponseAsync</c> with <c>streaming.mid_stream_policy: continue</c> (mid-stream faults only).</summary>
    StreamContinue,
}

/// <summary>
/// One fault the emulator can inject, with what the documentation says it is: its category on each provider and whether it
/// strikes after text reached the caller. Everything else a cell expects is derived from these facts and
/// <see cref="DocumentedPolicy"/> by <see cref="MatrixExpectation.For"/>.
/// </summary>
/// <param name="Id">A stable id (the doc's row key).</param>
/// <param name="Description">What goes wrong, for the doc.</param>
/// <param name="Make">The emulator fault for a provider kind.</param>
/// <param name="Modes">The call modes the fault applies to.</param>
/// <param name="Category">The documented category for a provider kind.</param>
/// <param name="MidStream">Whether the fault strikes after text reached the caller (then the mid-stream policy decides).</param>
/// <param name="Providers">The provider kinds the fault applies to (null: all three).</param>
/// <param name="NeedsTimeouts">Whether the cell needs short attempt/first-token/idle timeouts on the primary (stalls).</param>
/// <param name="MinWait">The least time the request must take (a Retry-After that is honoured).</param>
/// <param name="RetryAfterAboveCap">Whether the provider asks for a wait above <c>retry.max_retry_after</c> (fail over at once).</param>
public sealed record FaultCase(
    string Id,
    string Description,
    Func<string, Fault> Make,
    CallMode[] Modes,
    Func<string, ErrorCategory> Category,
    bool MidStream = false,
    string[]? Providers = null,
    bool NeedsTimeouts = false,
    TimeSpan MinWait = default,
    bool RetryAfterAboveCap = false)
{
    /// <summary>Documented defects: (fault id, mode, provider kind or "*") → the defect. The cell is skipped with this reason.</summary>
    public Func<string, CallMode, string?> KnownDefect { get; init; } = (_, _) => null;
}
