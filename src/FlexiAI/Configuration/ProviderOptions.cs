using Microsoft.Extensions.AI;

namespace FlexiAI;

/// <summary>One provider FlexiAI may route to.</summary>
/// <remarks>
/// A provider comes either from configuration (<see cref="Type"/> names a built-in or registered
/// provider type, which creates the <see cref="IChatClient"/>) or from code (<see cref="ChatClient"/>
/// is set; any <see cref="IChatClient"/> works). <see cref="ToString"/> masks <see cref="ApiKey"/>.
/// </remarks>
public sealed class ProviderOptions
{
    /// <summary>Gets or sets the provider's unique name, used in routes, logs, metrics and <see cref="FlexiAIClient.SetPrimaryProvider(string)"/>.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets the provider type (<c>openai</c>, <c>anthropic</c>, <c>vertexai</c> or a registered custom type).
    /// When <see langword="null"/>, the <see cref="Name"/> is the type, as in the plan's configuration example.
    /// </summary>
    public string? Type { get; set; }

    /// <summary>Gets or sets the priority: 1 is tried first; ties keep configuration order; providers without a priority come after those with one.</summary>
    public int? Priority { get; set; }

    /// <summary>Gets or sets the model the provider uses.</summary>
    public string Model { get; set; } = string.Empty;

    /// <summary>Gets or sets the API key. It is masked in <see cref="ToString"/>, exports, logs and exception messages.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets a base URL that replaces the provider's default endpoint (proxies, gateways, the emulator, compatible servers).</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>Gets or sets the attempt timeout for this provider; <see langword="null"/> uses <see cref="FlexiAIOptions.AttemptTimeout"/>.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Gets or sets this provider's time-to-first-token timeout for streams; <see langword="null"/> uses <see cref="StreamingOptions.FirstTokenTimeout"/>.</summary>
    public TimeSpan? FirstTokenTimeout { get; set; }

    /// <summary>Gets or sets this provider's idle timeout between stream updates; <see langword="null"/> uses <see cref="StreamingOptions.IdleTimeout"/>.</summary>
    public TimeSpan? IdleTimeout { get; set; }

    /// <summary>Gets or sets how many times a failed attempt is retried on this provider; <see langword="null"/> uses <see cref="RetryOptions.MaxAttempts"/> − 1.</summary>
    public int? MaxRetries { get; set; }

    /// <summary>
    /// Gets or sets this provider's circuit-breaker overrides (mode, thresholds, ratio window, per-request counting), applied
    /// field by field over <see cref="FlexiAIOptions.CircuitBreaker"/>; <see langword="null"/> (the default) uses the client-wide settings.
    /// </summary>
    public ProviderCircuitBreakerOptions? CircuitBreaker { get; set; }

    /// <summary>Gets or sets a value indicating whether the provider takes part in routing. Default <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets provider-specific settings (e.g. Vertex AI's <c>project</c> and <c>location</c>), from the provider's <c>config</c> section.</summary>
    public IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets a client to use instead of creating one from <see cref="Type"/>. Code only; never serialized.</summary>
    public IChatClient? ChatClient { get; set; }

    /// <summary>Gets or sets the adapter that classifies this provider's errors, validates credentials and describes models. Code only; <see langword="null"/> uses the type's adapter or the generic one.</summary>
    public ProviderAdapter? Adapter { get; set; }

    /// <summary>
    /// Gets or sets what this provider can take (media types, tools, JSON schemas), overriding what its type declares
    /// (<see cref="ProviderAdapter.DescribeCapabilities"/>). <see langword="null"/> (the default) uses the type's declaration.
    /// </summary>
    public ProviderCapabilities? Capabilities { get; set; }

    /// <summary>Gets or sets <c>rate_limit</c>: this provider's client-side rate limit; <see langword="null"/> uses the top-level <see cref="FlexiAIOptions.RateLimit"/>, if any.</summary>
    public RateLimitOptions? RateLimit { get; set; }

    /// <summary>Gets the effective provider type: <see cref="Type"/>, or <see cref="Name"/> when no type is set.</summary>
    public string EffectiveType => string.IsNullOrWhiteSpace(Type) ? Name : Type;

    /// <summary>Creates a copy of these options; <see cref="ChatClient"/> and <see cref="Adapter"/> are shared.</summary>
    /// <returns>The copy.</returns>
    public ProviderOptions Clone()
    {
        var clone = new ProviderOptions
        {
            Name = Name,
            Type = Type,
            Priority = Priority,
            Model = Model,
            ApiKey = ApiKey,
            BaseUrl = BaseUrl,
            Timeout = Timeout,
            FirstTokenTimeout = FirstTokenTimeout,
            IdleTimeout = IdleTimeout,
            MaxRetries = MaxRetries,
            CircuitBreaker = CircuitBreaker?.Clone(),
            Enabled = Enabled,
            ChatClient = ChatClient,
            Adapter = Adapter,
            Capabilities = Capabilities,
            RateLimit = RateLimit?.Clone(),
        };
        foreach (var (key, value) in Settings)
        {
            clone.Settings[key] = value;
        }

        return clone;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Name} (type {EffectiveType}, model {Model}, priority {(Priority?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-")}, api key {SecretMasker.Mask(ApiKey)})";
}
