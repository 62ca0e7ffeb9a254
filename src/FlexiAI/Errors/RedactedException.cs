using System.Globalization;
using System.Text;

namespace FlexiAI;

/// <summary>
/// Stands in for an exception from outside FlexiAI (a provider SDK, the network stack, a hook) whose text may contain a
/// secret: FlexiAI keeps it in place of the original as the <see cref="Exception.InnerException"/> of its own exceptions and
/// in its logs, so <c>ToString()</c> never prints an API key an error body echoed.
/// </summary>
/// <remarks>
/// It keeps what diagnoses the failure — the original's type (<see cref="OriginalTypeName"/>), its HTTP status
/// (<see cref="StatusCode"/>), its stack trace (<see cref="StackTrace"/>) and its inner chain, each link redacted the same way —
/// and scrubs the text: the message has every registered API key and every key-shaped token masked. The original's
/// <see cref="Exception.Data"/> is not copied. To act on a provider failure, use the classified
/// <see cref="ProviderException"/> (<see cref="ProviderException.Category"/>, <see cref="ProviderException.StatusCode"/>,
/// <see cref="ProviderException.RetryAfter"/>), not the SDK's exception type.
/// </remarks>
public sealed class RedactedException : Exception
{
    // Kept only to read its stack trace and source lazily (formatting a stack trace costs microseconds, and most failures are
    // never printed); its message and data are never exposed.
    private readonly Exception _original;
    private string? _source;

    internal RedactedException(Exception original, int? statusCode, string redactedMessage, Exception? redactedInner)
        : base(redactedMessage, redactedInner)
    {
        _original = original;
        OriginalTypeName = original.GetType().FullName ?? original.GetType().Name;
        StatusCode = statusCode;
        HResult = original.HResult;
    }

    /// <summary>Gets the full name of the original exception's type, e.g. <c>System.ClientModel.ClientResultException</c>.</summary>
    public string OriginalTypeName { get; }

    /// <summary>Gets the HTTP status the original exception carried, when it carried one.</summary>
    public int? StatusCode { get; }

    /// <summary>Gets the original exception's stack trace (stack traces hold code locations, never secrets).</summary>
    public override string? StackTrace => _original.StackTrace;

    /// <summary>Gets or sets the name of the application or object that caused the error; the original's unless set.</summary>
    public override string? Source
    {
        get => _source ??= _original.Source;
        set => _source = value;
    }

    /// <summary>Gets the type name to show for <paramref name="exception"/>: the original's for a <see cref="RedactedException"/>.</summary>
    internal static string DisplayTypeName(Exception exception) =>
        exception is RedactedException redacted ? redacted.OriginalTypeName : exception.GetType().FullName ?? exception.GetType().Name;

    /// <summary>Describes the exception the way <see cref="Exception.ToString"/> does, under the original's type name.</summary>
    /// <returns>The type, the redacted message, the status, the inner chain and the stack trace.</returns>
    public override string ToString()
    {
        var text = new StringBuilder(OriginalTypeName).Append(" (redacted)");
        if (Message.Length > 0)
        {
            text.Append(": ").Append(Message);
        }

        if (StatusCode is int status)
        {
            text.Append(CultureInfo.InvariantCulture, $" [HTTP {status}]");
        }

        if (InnerException is { } inner)
        {
            text.Append(" ---> ").Append(inner.ToString()).AppendLine().Append("   --- End of inner exception stack trace ---");
        }

        if (StackTrace is { Length: > 0 } trace)
        {
            text.AppendLine().Append(trace);
        }

        return text.ToString();
    }
}
