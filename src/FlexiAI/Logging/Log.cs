using Microsoft.Extensions.Logging;

namespace FlexiAI;

/// <summary>FlexiAI's log messages (source-generated; values are never secrets — provider messages are redacted first).</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "[{CorrelationId}] Attempt {Attempt} on provider {Provider} (model {Model})")]
    public static partial void AttemptStarting(ILogger logger, string correlationId, string provider, string model, int attempt);

    [LoggerMessage(2, LogLevel.Information, "[{CorrelationId}] Provider {Provider} answered on attempt {Attempt} in {LatencyMs:F1} ms")]
    public static partial void AttemptSucceeded(ILogger logger, string correlationId, string provider, int attempt, double latencyMs);

    [LoggerMessage(3, LogLevel.Warning, "[{CorrelationId}] Provider {Provider} failed attempt {Attempt}: {Category} (status {StatusCode}) in {LatencyMs:F1} ms: {Message}")]
    public static partial void AttemptFailed(ILogger logger, string correlationId, string provider, int attempt, ErrorCategory category, int? statusCode, double latencyMs, string message);

    [LoggerMessage(4, LogLevel.Debug, "[{CorrelationId}] Retrying provider {Provider} in {DelayMs:F0} ms (attempt {NextAttempt} of {MaxAttempts})")]
    public static partial void Retrying(ILogger logger, string correlationId, string provider, double delayMs, int nextAttempt, int maxAttempts);

    [LoggerMessage(5, LogLevel.Information, "[{CorrelationId}] Retry-After of {RetryAfterMs:F0} ms from {Provider} exceeds the cap of {CapMs:F0} ms: failing over instead of waiting")]
    public static partial void RetryAfterAboveCap(ILogger logger, string correlationId, string provider, double retryAfterMs, double capMs);

    [LoggerMessage(6, LogLevel.Debug, "[{CorrelationId}] Skipping provider {Provider}: circuit {State}")]
    public static partial void SkippedOpenCircuit(ILogger logger, string correlationId, string provider, CircuitState state);

    [LoggerMessage(7, LogLevel.Warning, "[{CorrelationId}] Failing over from {From} to {To} after {Category}")]
    public static partial void FailingOver(ILogger logger, string correlationId, string from, string to, ErrorCategory category);

    [LoggerMessage(8, LogLevel.Warning, "Circuit of provider {Provider}: {From} -> {To} ({Reason}, {Failures} consecutive failures)")]
    public static partial void CircuitChanged(ILogger logger, string provider, CircuitState from, CircuitState to, CircuitTransitionReason reason, int failures);

    [LoggerMessage(9, LogLevel.Error, "[{CorrelationId}] All providers failed after {Attempts} attempts")]
    public static partial void AllFailed(ILogger logger, string correlationId, int attempts);

    [LoggerMessage(10, LogLevel.Error, "A FlexiAI {Event} hook threw; the request goes on: {Error}")]
    public static partial void HookFailed(ILogger logger, FlexiAIHookEvent @event, string error);

    [LoggerMessage(11, LogLevel.Information, "[{CorrelationId}] Every circuit is open; waiting {WaitMs:F0} ms for the first provider to reach half-open")]
    public static partial void WaitingForRecovery(ILogger logger, string correlationId, double waitMs);

    [LoggerMessage(12, LogLevel.Information, "Primary provider set to {Provider}")]
    public static partial void PrimaryChanged(ILogger logger, string provider);

    [LoggerMessage(13, LogLevel.Debug, "[{CorrelationId}] Request cancelled by the caller during provider {Provider}")]
    public static partial void CallerCancelled(ILogger logger, string correlationId, string provider);

    [LoggerMessage(14, LogLevel.Information, "Configuration reloaded: {Providers} providers, breaker state kept")]
    public static partial void ConfigurationReloaded(ILogger logger, int providers);

    [LoggerMessage(15, LogLevel.Error, "Configuration reload from {Source} failed; the previous configuration stays in force: {Reason}")]
    public static partial void ConfigurationReloadFailed(ILogger logger, string source, string reason);

    [LoggerMessage(16, LogLevel.Information, "[{CorrelationId}] Stream interrupted on {Provider} after {Offset} characters; continuing on the next provider")]
    public static partial void StreamContinued(ILogger logger, string correlationId, string provider, int offset);

    [LoggerMessage(17, LogLevel.Error, "FlexiAI event subscriber {Subscriber} failed on {Kind}; the request goes on: {Error}")]
    public static partial void SubscriberFailed(ILogger logger, string subscriber, RequestEventKinds kind, string error);

    [LoggerMessage(18, LogLevel.Debug, "[{CorrelationId}] Skipping provider {Provider}: {Reason}")]
    public static partial void Skipped(ILogger logger, string correlationId, string provider, string reason);
}
