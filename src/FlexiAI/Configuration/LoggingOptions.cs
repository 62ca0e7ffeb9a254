using Microsoft.Extensions.Logging;

namespace FlexiAI;

/// <summary>Logging settings.</summary>
/// <remarks>
/// FlexiAI logs through the <see cref="ILoggerFactory"/> it is given. <see cref="Level"/> filters FlexiAI's own
/// messages; <see cref="File"/>, when set, also appends them to a file.
/// </remarks>
public sealed class LoggingOptions
{
    /// <summary>Gets or sets the lowest level FlexiAI logs at. Default <see cref="LogLevel.Information"/>.</summary>
    public LogLevel Level { get; set; } = LogLevel.Information;

    /// <summary>Gets or sets a file FlexiAI appends its log lines to, in addition to the logger factory. <see langword="null"/> for none.</summary>
    public string? File { get; set; }

    /// <summary>Creates a copy of these options.</summary>
    /// <returns>The copy.</returns>
    public LoggingOptions Clone() => (LoggingOptions)MemberwiseClone();
}
