namespace FlexiAI.Gateway;

/// <summary>
/// The gateway's own settings: the <c>gateway</c> section of the FlexiAI configuration file (keys, routes, limits).
/// Providers, breakers, retries, cost and budgets stay in the rest of the file, exactly as for <see cref="FlexiAIClient"/>.
/// </summary>
public sealed class GatewayOptions
{
    /// <summary>Gets the gateway keys clients present as <c>Authorization: Bearer &lt;key&gt;</c>. At least one is required.</summary>
    public IList<GatewayKeyOptions> Keys { get; } = [];

    /// <summary>
    /// Gets the route aliases: a name a request can put in <c>model</c> (e.g. <c>default</c>, <c>cheap</c>) mapped to an ordered list of
    /// configured provider names. <c>default</c> is always defined: every enabled provider, in priority order, unless configured here.
    /// </summary>
    public IDictionary<string, IList<string>> Routes { get; } = new Dictionary<string, IList<string>>(StringComparer.Ordinal);

    /// <summary>Gets or sets the largest request body accepted, in bytes (413 above it). Default 4 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Gets or sets the longest a request may run before the gateway cancels it (504). Default 10 minutes.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets how long a graceful shutdown waits for in-flight requests and streams to finish. Default 30 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets a value indicating whether <c>/metrics</c> needs an admin key. Default <see langword="false"/> (open, like most Prometheus targets).</summary>
    public bool ProtectMetrics { get; set; }

    /// <summary>
    /// Gets or sets the store factory for a response cache whose <c>cache.backend</c> is not <c>memory</c> (code only, not JSON):
    /// <c>new RedisResponseCacheStoreFactory()</c> from FlexiAI.Redis for <c>redis</c>. <c>flexiai serve</c> sets it. Default
    /// <see langword="null"/>: a configured <c>redis</c> cache then fails at start with the fix.
    /// </summary>
    public IResponseCacheStoreFactory? CacheStoreFactory { get; set; }
}
