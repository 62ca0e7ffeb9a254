namespace FlexiAI;

/// <summary>Ready-made sets of failover, retry and timeout settings; a preset replaces the built-in defaults and anything configured explicitly still wins.</summary>
public enum ConfigurationPreset
{
    /// <summary>Latency first: no retries on a provider (fail over at once), short timeouts (attempt 15 s, first token 5 s, request 30 s), breaker opens after 3 failures and probes after 30 s.</summary>
    Fast,

    /// <summary>The built-in defaults: 3 attempts per provider, attempt 60 s, request 180 s, breaker opens after 5 failures and probes after 60 s.</summary>
    Balanced,

    /// <summary>
    /// Answer first: 4 attempts per provider with longer backoff (1 s up to 20 s, <c>Retry-After</c> honoured up to 30 s), attempt 90 s,
    /// request 300 s, breaker opens after 5 failures and probes after 30 s, waits up to 30 s for a provider to recover when every breaker
    /// is open, and continues an interrupted stream on the next provider.
    /// </summary>
    Reliable,
}
