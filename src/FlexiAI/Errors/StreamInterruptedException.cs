using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>
/// A stream failed after text reached the caller, and the mid-stream policy did not (or could not) continue it.
/// Carries the text the caller already received, the usage reported so far and the route.
/// </summary>
public sealed class StreamInterruptedException : FlexiAIException
{
    /// <summary>Initializes a new instance of the <see cref="StreamInterruptedException"/> class.</summary>
    /// <param name="partialText">The text the caller received before the failure.</param>
    /// <param name="usage">The usage reported before the failure, if any.</param>
    /// <param name="route">The route so far.</param>
    /// <param name="reason">Why the stream was not continued.</param>
    /// <param name="innerException">The failure that interrupted the stream.</param>
    public StreamInterruptedException(string partialText, UsageDetails? usage, RouteReport route, string reason, Exception? innerException)
        : base($"The stream was interrupted after {partialText?.Length ?? 0} characters reached the caller: {reason} {innerException?.Message}", innerException)
    {
        PartialText = partialText ?? string.Empty;
        Usage = usage;
        Route = route;
        Category = (innerException as ProviderException)?.Category ?? ErrorCategory.Unknown;
    }

    /// <summary>Gets the text the caller received before the failure; nothing of it is repeated or lost.</summary>
    public string PartialText { get; }

    /// <summary>Gets the usage reported before the failure, if the provider sent any.</summary>
    public UsageDetails? Usage { get; }

    /// <summary>Gets the category of the failure that interrupted the stream.</summary>
    public ErrorCategory Category { get; }
}
