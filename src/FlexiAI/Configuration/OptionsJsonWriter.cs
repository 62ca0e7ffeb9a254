using System.Text;
using System.Text.Json;

namespace FlexiAI;

/// <summary>Writes <see cref="FlexiAIOptions"/> as the snake_case JSON <see cref="FlexiAIConfiguration"/> reads, with secrets masked.</summary>
internal static class OptionsJsonWriter
{
    public static string Write(FlexiAIOptions options)
    {
        // These options' own secrets are masked wherever they appear (e.g. a key in a base_url query), client or not.
        using var secrets = SecretMasker.RegisterSecrets(options.Providers);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("providers");
            foreach (var p in options.Providers)
            {
                WriteProvider(w, p);
            }

            w.WriteEndArray();

            w.WriteStartObject("circuit_breaker");
            w.WriteNumber("failure_threshold", options.CircuitBreaker.FailureThreshold);
            Duration(w, "recovery_timeout", options.CircuitBreaker.RecoveryTimeout);
            Duration(w, "store_timeout", options.CircuitBreaker.StoreTimeout);
            Duration(w, "store_refresh_interval", options.CircuitBreaker.StoreRefreshInterval);
            w.WriteString("mode", ConfigurationText.ToSnakeCase(options.CircuitBreaker.Mode.ToString()));
            w.WriteNumber("failure_ratio", options.CircuitBreaker.FailureRatio);
            w.WriteNumber("minimum_throughput", options.CircuitBreaker.MinimumThroughput);
            Duration(w, "sampling_duration", options.CircuitBreaker.SamplingDuration);
            w.WriteBoolean("count_per_request", options.CircuitBreaker.CountPerRequest);
            w.WriteString("all_open", ConfigurationText.ToSnakeCase(options.CircuitBreaker.AllOpen.ToString()));
            w.WriteNumber("max_open_fraction", options.CircuitBreaker.MaxOpenFraction);
            w.WriteStartArray("expected_exception");
            foreach (var name in options.CircuitBreaker.ExpectedExceptions)
            {
                w.WriteStringValue(name);
            }

            w.WriteEndArray();
            if (options.CircuitBreaker.Store is { } store)
            {
                // The shared store (e.g. Redis): its connection string with any password masked.
                w.WriteStartObject("store");
                w.WriteString("type", store.Type);
                if (store.MaskedConnection is { } connection)
                {
                    w.WriteString("connection", connection);
                }

                if (store.Prefix is { } prefix)
                {
                    w.WriteString("prefix", prefix);
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();

            if (options.RateLimit is { } rateLimit)
            {
                WriteRateLimit(w, rateLimit);
            }

            w.WriteStartObject("retry");
            w.WriteNumber("max_attempts", options.Retry.MaxAttempts);
            w.WriteNumber("backoff_factor", options.Retry.BackoffFactor);
            Duration(w, "initial_delay", options.Retry.InitialDelay);
            Duration(w, "max_delay", options.Retry.MaxDelay);
            Duration(w, "max_retry_after", options.Retry.MaxRetryAfter);
            w.WriteBoolean("jitter", options.Retry.UseJitter);
            w.WriteString("strategy", ConfigurationText.ToSnakeCase(options.Retry.Strategy.ToString()));
            w.WriteEndObject();

            Duration(w, "attempt_timeout", options.AttemptTimeout);
            Duration(w, "request_timeout", options.RequestTimeout);
            Duration(w, "wait_for_recovery", options.WaitForRecovery);

            w.WriteStartObject("error_policies");
            foreach (var (category, policy) in options.ErrorPolicies.OrderBy(p => p.Key))
            {
                w.WriteStartObject(ConfigurationText.ToSnakeCase(category.ToString()));
                w.WriteBoolean("retry", policy.Retry);
                w.WriteBoolean("failover", policy.Failover);
                w.WriteBoolean("count_toward_breaker", policy.CountsTowardBreaker);
                w.WriteEndObject();
            }

            w.WriteEndObject();

            w.WriteStartObject("streaming");
            if (options.Streaming.FirstTokenTimeout is { } firstToken)
            {
                Duration(w, "first_token_timeout", firstToken);
            }

            Duration(w, "idle_timeout", options.Streaming.IdleTimeout);
            w.WriteString("mid_stream_policy", ConfigurationText.ToSnakeCase(options.Streaming.MidStreamPolicy.ToString()));
            w.WriteBoolean("require_finish_reason", options.Streaming.RequireFinishReason);
            if (options.Streaming.ContinuationPrompt is { } prompt)
            {
                w.WriteString("continuation_prompt", prompt);
            }

            w.WriteEndObject();

            w.WriteStartObject("logging");
            w.WriteString("level", ConfigurationText.FormatLogLevel(options.Logging.Level));
            if (options.Logging.File is { } file)
            {
                w.WriteString("file", file);
            }

            w.WriteEndObject();
            CostJsonWriter.Write(w, options.Cost);
            if (options.Cache is { } cache)
            {
                w.WriteStartObject("cache");
                w.WriteBoolean("enabled", cache.Enabled);
                Duration(w, "ttl", cache.Ttl);
                w.WriteString("backend", ConfigurationText.ToSnakeCase(cache.Backend.ToString()));
                if (cache.RedisConnectionString is { } redis)
                {
                    // A connection string may hold a password: never written out.
                    w.WriteString("redis_connection_string", redis.Contains("password", StringComparison.OrdinalIgnoreCase) ? "(set; contains a password)" : redis);
                }

                w.WriteString("key_prefix", cache.KeyPrefix);
                w.WriteBoolean("cache_nondeterministic", cache.CacheNondeterministic);
                w.WriteBoolean("cache_tool_calls", cache.CacheToolCalls);
                w.WriteNumber("max_entry_bytes", cache.MaxEntryBytes);
                w.WriteNumber("max_entries", cache.MaxEntries);
                w.WriteBoolean("memory_layer", cache.MemoryLayer);
                Duration(w, "store_timeout", cache.StoreTimeout);
                Duration(w, "store_retry_interval", cache.StoreRetryInterval);
                if (cache.ExcludedProviders.Count > 0)
                {
                    w.WriteStartArray("exclude_providers");
                    foreach (var name in cache.ExcludedProviders.Order(StringComparer.OrdinalIgnoreCase))
                    {
                        w.WriteStringValue(name);
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteProvider(Utf8JsonWriter w, ProviderOptions p)
    {
        w.WriteStartObject();
        w.WriteString("name", p.Name);
        if (!string.IsNullOrWhiteSpace(p.Type))
        {
            w.WriteString("type", p.Type);
        }

        if (p.Priority is { } priority)
        {
            w.WriteNumber("priority", priority);
        }

        w.WriteString("model", p.Model);
        w.WriteString("api_key", SecretMasker.Mask(p.ApiKey));
        if (p.BaseUrl is { } url)
        {
            w.WriteString("base_url", SecretMasker.Redact(url.ToString()));
        }

        if (p.Timeout is { } timeout)
        {
            Duration(w, "timeout", timeout);
        }

        if (p.FirstTokenTimeout is { } firstToken)
        {
            Duration(w, "first_token_timeout", firstToken);
        }

        if (p.IdleTimeout is { } idle)
        {
            Duration(w, "idle_timeout", idle);
        }

        if (p.MaxRetries is { } retries)
        {
            w.WriteNumber("max_retries", retries);
        }

        if (!p.Enabled)
        {
            w.WriteBoolean("enabled", false);
        }

        if (p.CircuitBreaker is { IsEmpty: false } breaker)
        {
            WriteBreakerOverrides(w, breaker);
        }

        if (p.RateLimit is { } rateLimit)
        {
            WriteRateLimit(w, rateLimit);
        }

        w.WriteStartObject("config");
        foreach (var (key, value) in p.Settings.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var secret = SecretMasker.IsSecretSetting(key);
            WriteSetting(w, key.Split(':'), secret ? SecretMasker.Mask(value) : SecretMasker.Redact(value));
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteRateLimit(Utf8JsonWriter w, RateLimitOptions limit)
    {
        w.WriteStartObject("rate_limit");
        if (limit.RequestsPerMinute is { } requests)
        {
            w.WriteNumber("requests_per_minute", requests);
        }

        if (limit.TokensPerMinute is { } tokens)
        {
            w.WriteNumber("tokens_per_minute", tokens);
        }

        if (limit.MaxWait > TimeSpan.Zero)
        {
            Duration(w, "max_wait", limit.MaxWait);
        }

        w.WriteEndObject();
    }

    private static void WriteBreakerOverrides(Utf8JsonWriter w, ProviderCircuitBreakerOptions breaker)
    {
        w.WriteStartObject("circuit_breaker");
        if (breaker.Mode is { } mode)
        {
            w.WriteString("mode", ConfigurationText.ToSnakeCase(mode.ToString()));
        }

        if (breaker.FailureThreshold is { } threshold)
        {
            w.WriteNumber("failure_threshold", threshold);
        }

        if (breaker.RecoveryTimeout is { } recovery)
        {
            Duration(w, "recovery_timeout", recovery);
        }

        if (breaker.FailureRatio is { } ratio)
        {
            w.WriteNumber("failure_ratio", ratio);
        }

        if (breaker.MinimumThroughput is { } minimum)
        {
            w.WriteNumber("minimum_throughput", minimum);
        }

        if (breaker.SamplingDuration is { } sampling)
        {
            Duration(w, "sampling_duration", sampling);
        }

        if (breaker.CountPerRequest is { } perRequest)
        {
            w.WriteBoolean("count_per_request", perRequest);
        }

        w.WriteEndObject();
    }

    // Nested settings (flattened as "a:b") are written back as dotted keys; FlexiAI reads them the same way.
    private static void WriteSetting(Utf8JsonWriter w, string[] path, string value) => w.WriteString(string.Join(':', path), value);

    private static void Duration(Utf8JsonWriter w, string name, TimeSpan value)
    {
        switch (ConfigurationText.FormatDuration(value))
        {
            case double seconds:
                w.WriteNumber(name, seconds);
                break;
            case var other:
                w.WriteString(name, other.ToString());
                break;
        }
    }
}
