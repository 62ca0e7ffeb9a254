namespace FlexiAI;

/// <summary>
/// Every provider failed or was skipped. <see cref="Errors"/> holds every attempt's error in the order
/// the attempts happened; <see cref="FlexiAIException.Route"/> has the full route report.
/// </summary>
public sealed class AllProvidersFailedException : FlexiAIException
{
    /// <summary>Initializes a new instance of the <see cref="AllProvidersFailedException"/> class.</summary>
    /// <param name="errors">Every attempt's error, in order; an error from outside FlexiAI is kept as a <see cref="RedactedException"/>.</param>
    /// <param name="route">The route report of the request.</param>
    /// <param name="earliestRetryAt">When every breaker was open: the earliest time a provider may be tried again.</param>
    /// <param name="reason">Why the request stopped, when it stopped before trying every provider (e.g. the request timeout).</param>
    public AllProvidersFailedException(IReadOnlyList<Exception> errors, RouteReport route, DateTimeOffset? earliestRetryAt, string? reason = null)
        : base(BuildMessage(errors, earliestRetryAt, reason), errors is { Count: > 0 } ? errors[^1] : null)
    {
        Errors = errors.All(e => e is FlexiAIException or RedactedException) ? errors : [.. errors.Select(e => SecretMasker.Scrub(e)!)];
        Route = route;
        EarliestRetryAt = earliestRetryAt;
    }

    /// <summary>Gets every attempt's error (<see cref="ProviderException"/> or <see cref="CircuitOpenException"/>), in order.</summary>
    public IReadOnlyList<Exception> Errors { get; }

    /// <summary>Gets the earliest time an open circuit lets a provider be tried again, when any breaker was open.</summary>
    public DateTimeOffset? EarliestRetryAt { get; }

    private static string BuildMessage(IReadOnlyList<Exception> errors, DateTimeOffset? earliest, string? reason)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var head = reason ?? (errors.Count > 0 && errors.All(e => e is CircuitOpenException)
            ? "All providers are unavailable: every circuit breaker is open."
            : $"All providers failed ({errors.Count} attempt{(errors.Count == 1 ? string.Empty : "s")}).");
        if (earliest is { } at)
        {
            head += $" The earliest provider may be tried again at {at:O}.";
        }

        return errors.Count == 0 ? head : head + Environment.NewLine + string.Join(Environment.NewLine, errors.Select((e, i) => $"  {i + 1}. {e.Message}"));
    }
}
