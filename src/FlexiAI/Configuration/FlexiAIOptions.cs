using Microsoft.Extensions.Logging;

namespace FlexiAI;

/// <summary>
/// Everything <see cref="FlexiAIClient"/> needs: the providers and the failover, circuit-breaker,
/// retry and timeout settings. Build it in code, or load it with <see cref="FlexiAIConfiguration"/>
/// from a JSON file, an <c>IConfiguration</c> section or <c>FLEXIAI_</c> environment variables.
/// </summary>
/// <remarks>
/// Options are validated once, when the client is built (<see cref="FlexiAIConfiguration"/>);
/// the client keeps its own copy, so changing this instance afterwards has no effect on a client.
/// </remarks>
public sealed class FlexiAIOptions
{
    /// <summary>Gets the providers, in configuration order. Priority decides the order they are tried in; ties keep this order.</summary>
    public IList<ProviderOptions> Providers { get; } = [];

    /// <summary>Gets or sets the circuit-breaker settings shared by every provider.</summary>
    public CircuitBreakerOptions CircuitBreaker { get; set; } = new();

    /// <summary>Gets or sets the top-level <c>rate_limit</c>: the client-side rate limit of every provider that has none of its own; <see langword="null"/> for none.</summary>
    public RateLimitOptions? RateLimit { get; set; }

    /// <summary>Gets or sets the retry settings; a provider's <see cref="ProviderOptions.MaxRetries"/> overrides the attempt count.</summary>
    public RetryOptions Retry { get; set; } = new();

    /// <summary>Gets or sets the time one attempt against one provider may take. A provider's <see cref="ProviderOptions.Timeout"/> overrides it. Default 60 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets the time a whole request may take, across retries and failover. <see cref="Timeout.InfiniteTimeSpan"/> disables it. Default 180 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(180);

    /// <summary>
    /// Gets or sets how long a request waits, when every breaker is open, for the first provider to
    /// reach half-open. <see cref="TimeSpan.Zero"/> (the default) fails fast with an
    /// <see cref="AllProvidersFailedException"/> that says when a provider may be tried again.
    /// </summary>
    public TimeSpan WaitForRecovery { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Gets the per-category policy overrides. A category absent here uses <see cref="ErrorPolicy.GetDefault(ErrorCategory)"/>.
    /// </summary>
    public IDictionary<ErrorCategory, ErrorPolicy> ErrorPolicies { get; } = new Dictionary<ErrorCategory, ErrorPolicy>();

    /// <summary>Gets or sets the streaming settings (time-to-first-token and idle timeouts, mid-stream policy).</summary>
    public StreamingOptions Streaming { get; set; } = new();

    /// <summary>Gets or sets the logging settings.</summary>
    public LoggingOptions Logging { get; set; } = new();

    /// <summary>Gets or sets the cost settings: price overrides (JSON <c>pricing</c>), budgets (JSON <c>budgets</c>) and the tag cap (JSON <c>cost.max_tags</c>).</summary>
    public CostOptions Cost { get; set; } = new();

    /// <summary>
    /// Gets or sets the response cache's settings (JSON <c>cache</c>), read by <c>UseFlexiAICache()</c> and by <c>AddFlexiAI</c>;
    /// <see langword="null"/> (no <c>cache</c> section) means no cache unless you add one in code. See docs/cache.md.
    /// </summary>
    public ResponseCacheOptions? Cache { get; set; }

    /// <summary>Gets the policy in force for <paramref name="category"/>: the override if any, else the default.</summary>
    /// <param name="category">The error category.</param>
    /// <returns>The policy.</returns>
    public ErrorPolicy GetErrorPolicy(ErrorCategory category) =>
        ErrorPolicies.TryGetValue(category, out var policy) ? policy : ErrorPolicy.GetDefault(category);

    /// <summary>Replaces the failover, retry, timeout and breaker settings with a preset's values; providers are untouched.</summary>
    /// <param name="preset">The preset.</param>
    /// <returns>These options, for chaining.</returns>
    public FlexiAIOptions ApplyPreset(ConfigurationPreset preset)
    {
        ConfigurationPresets.Apply(this, preset);
        return this;
    }

    /// <summary>Creates a deep copy of these options (provider clients and adapters are shared, not copied).</summary>
    /// <returns>The copy.</returns>
    public FlexiAIOptions Clone()
    {
        var clone = new FlexiAIOptions
        {
            CircuitBreaker = CircuitBreaker.Clone(),
            Retry = Retry.Clone(),
            AttemptTimeout = AttemptTimeout,
            RequestTimeout = RequestTimeout,
            WaitForRecovery = WaitForRecovery,
            Logging = Logging.Clone(),
            Streaming = Streaming.Clone(),
            Cost = Cost.Clone(),
            RateLimit = RateLimit?.Clone(),
            Cache = Cache?.Clone(),
        };
        foreach (var provider in Providers)
        {
            clone.Providers.Add(provider.Clone());
        }

        foreach (var (category, policy) in ErrorPolicies)
        {
            clone.ErrorPolicies[category] = policy;
        }

        return clone;
    }

    /// <inheritdoc/>
    public override string ToString() => FlexiAIConfiguration.ToJson(this);
}
