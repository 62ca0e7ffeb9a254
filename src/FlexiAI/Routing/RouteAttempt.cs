namespace FlexiAI;

/// <summary>One attempt within a request's route.</summary>
/// <param name="Provider">The provider's configured name.</param>
/// <param name="Model">The model used.</param>
/// <param name="AttemptNumber">The 1-based attempt number against this provider.</param>
/// <param name="Outcome">How the attempt ended.</param>
/// <param name="Category">The failure's category, for failed attempts.</param>
/// <param name="StatusCode">The HTTP status code, when the provider answered with an error.</param>
/// <param name="Latency">How long the attempt took.</param>
/// <param name="ContinuedAt">For a stream continued on this provider after another's mid-stream failure: the number of characters the caller already had.</param>
/// <param name="SkipReason">For a provider skipped by an admission gate (no call made): why, e.g. <c>circuit open</c>.</param>
public sealed record RouteAttempt(
    string Provider,
    string Model,
    int AttemptNumber,
    AttemptOutcome Outcome,
    ErrorCategory? Category,
    int? StatusCode,
    TimeSpan Latency,
    int? ContinuedAt = null,
    string? SkipReason = null);
