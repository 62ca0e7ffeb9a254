namespace FlexiAI;

/// <summary>A provider's most recent failed attempt, as the metrics snapshot reports it.</summary>
/// <param name="Category">The error category.</param>
/// <param name="StatusCode">The HTTP status code, when there was one.</param>
/// <param name="At">When it happened (the client's <see cref="TimeProvider"/>).</param>
/// <param name="Message">The provider's message, secrets masked and shortened to 200 characters.</param>
public sealed record ProviderLastError(ErrorCategory Category, int? StatusCode, DateTimeOffset At, string Message);
