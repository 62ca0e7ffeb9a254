namespace FlexiAI;

/// <summary>Applies <see cref="ConfigurationPreset"/> values to options.</summary>
internal static class ConfigurationPresets
{
    public static void Apply(FlexiAIOptions options, ConfigurationPreset preset)
    {
        switch (preset)
        {
            case ConfigurationPreset.Fast:
                options.Retry.MaxAttempts = 1;
                options.Retry.MaxRetryAfter = TimeSpan.FromSeconds(2);
                options.AttemptTimeout = TimeSpan.FromSeconds(15);
                options.RequestTimeout = TimeSpan.FromSeconds(30);
                options.Streaming.FirstTokenTimeout = TimeSpan.FromSeconds(5);
                options.Streaming.IdleTimeout = TimeSpan.FromSeconds(10);
                options.CircuitBreaker.FailureThreshold = 3;
                options.CircuitBreaker.RecoveryTimeout = TimeSpan.FromSeconds(30);
                options.WaitForRecovery = TimeSpan.Zero;
                break;
            case ConfigurationPreset.Balanced:
                var defaults = new FlexiAIOptions();
                options.Retry = defaults.Retry;
                options.AttemptTimeout = defaults.AttemptTimeout;
                options.RequestTimeout = defaults.RequestTimeout;
                options.Streaming.FirstTokenTimeout = defaults.Streaming.FirstTokenTimeout;
                options.Streaming.IdleTimeout = defaults.Streaming.IdleTimeout;
                options.Streaming.MidStreamPolicy = defaults.Streaming.MidStreamPolicy;
                options.CircuitBreaker.FailureThreshold = defaults.CircuitBreaker.FailureThreshold;
                options.CircuitBreaker.RecoveryTimeout = defaults.CircuitBreaker.RecoveryTimeout;
                options.WaitForRecovery = defaults.WaitForRecovery;

                // Issue 14 (measured by the bench's chaos command, docs/routing.md): a ratio breaker does not open on bursts of a
                // flaky provider's failures under concurrency, and failing over first answers from a healthy backup at once.
                options.CircuitBreaker.Mode = CircuitBreakerMode.Ratio;
                options.CircuitBreaker.FailureRatio = 0.5;
                options.CircuitBreaker.MinimumThroughput = 20;
                options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(30);
                options.CircuitBreaker.CountPerRequest = defaults.CircuitBreaker.CountPerRequest;
                options.CircuitBreaker.AllOpen = AllOpenPolicy.Fail;
                options.Retry.Strategy = RetryStrategy.FailoverFirst;
                break;
            case ConfigurationPreset.Reliable:
                options.Retry.MaxAttempts = 4;
                options.Retry.InitialDelay = TimeSpan.FromSeconds(1);
                options.Retry.MaxDelay = TimeSpan.FromSeconds(20);
                options.Retry.MaxRetryAfter = TimeSpan.FromSeconds(30);
                options.AttemptTimeout = TimeSpan.FromSeconds(90);
                options.RequestTimeout = TimeSpan.FromSeconds(300);
                options.Streaming.IdleTimeout = TimeSpan.FromSeconds(45);
                options.Streaming.MidStreamPolicy = MidStreamPolicy.Continue;
                options.CircuitBreaker.FailureThreshold = 5;
                options.CircuitBreaker.RecoveryTimeout = TimeSpan.FromSeconds(30);
                options.WaitForRecovery = TimeSpan.FromSeconds(30);

                // Issue 14: as balanced, plus one count per request (retries of one request do not open a breaker alone)
                // and panic when every breaker is open (trying beats failing when the breakers may be stale).
                options.CircuitBreaker.Mode = CircuitBreakerMode.Ratio;
                options.CircuitBreaker.FailureRatio = 0.5;
                options.CircuitBreaker.MinimumThroughput = 20;
                options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(30);
                options.CircuitBreaker.CountPerRequest = true;
                options.CircuitBreaker.AllOpen = AllOpenPolicy.Panic;
                options.Retry.Strategy = RetryStrategy.FailoverFirst;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(preset), preset, "Unknown preset; use Fast, Balanced or Reliable.");
        }
    }
}
