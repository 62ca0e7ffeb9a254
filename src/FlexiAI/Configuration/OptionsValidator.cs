using System.Globalization;

namespace FlexiAI;

/// <summary>Checks <see cref="FlexiAIOptions"/> and reports every problem with its path and the fix; never echoes a secret.</summary>
/// <remarks>
/// Every duration is at most <see cref="MaxDuration"/>: the runtime hands durations to <c>HttpClient.Timeout</c> (at most
/// <see cref="int.MaxValue"/> ms, about 24.8 days), to timers and <c>CancelAfter</c> (at most about 49.7 days) and adds them to the
/// current time (a breaker's reopening time), so a larger value would pass here and throw on the first request.
/// </remarks>
internal static class OptionsValidator
{
    /// <summary>The longest duration any setting accepts (<c>"infinite"</c> aside, where allowed).</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(24);

    private const int MaxAttemptsLimit = 20;
    private static readonly TimeSpan MaxStoreDuration = TimeSpan.FromHours(1);
    private static readonly TimeSpan MinSamplingDuration = TimeSpan.FromMilliseconds(10);
    private const string MaxText = "24 days";

    public static List<ConfigurationError> Validate(FlexiAIOptions options, IEnumerable<string>? additionalProviderTypes)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<ConfigurationError>();
        var types = ProviderTypes.BuiltIn.Concat(additionalProviderTypes ?? []).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        ValidateProviders(options, types, errors);
        ValidateCircuitBreaker(options.CircuitBreaker, errors);
        ValidateStore(options.CircuitBreaker.Store, errors);
        ValidateRetry(options.Retry, errors);
        TimeoutSetting(errors, "attempt_timeout", options.AttemptTimeout);
        TimeoutSetting(errors, "request_timeout", options.RequestTimeout);
        Duration(errors, "wait_for_recovery", options.WaitForRecovery, "0 (fail fast) or a positive duration", allowZero: true, allowInfinite: false);
        if (options.Streaming.FirstTokenTimeout is { } firstToken)
        {
            TimeoutSetting(errors, "streaming.first_token_timeout", firstToken);
        }

        TimeoutSetting(errors, "streaming.idle_timeout", options.Streaming.IdleTimeout);
        if (!Enum.IsDefined(options.Streaming.MidStreamPolicy))
        {
            errors.Add(new("streaming.mid_stream_policy", "is not a mid-stream policy. Use fail or continue."));
        }

        if (!Enum.IsDefined(options.Logging.Level))
        {
            errors.Add(new("logging.level", "is not a log level. Use DEBUG, INFO, WARNING, ERROR, CRITICAL, TRACE or NONE."));
        }

        CostValidator.Validate(options, errors);
        RateLimitValidator.Validate(options, errors);
        if (options.Cache is { } cache)
        {
            ValidateCache(cache, errors);
        }

        return errors;
    }

    private static void ValidateCache(ResponseCacheOptions cache, List<ConfigurationError> errors)
    {
        Duration(errors, "cache.ttl", cache.Ttl, "a positive duration, e.g. \"1h\" or \"10m\"", allowZero: false, allowInfinite: false);
        Duration(errors, "cache.store_timeout", cache.StoreTimeout, "a positive duration, e.g. \"250ms\"", allowZero: false, allowInfinite: false);
        Duration(errors, "cache.store_retry_interval", cache.StoreRetryInterval, "a positive duration, e.g. \"5s\"", allowZero: false, allowInfinite: false);
        if (!Enum.IsDefined(cache.Backend))
        {
            errors.Add(new("cache.backend", "is not a cache backend. Use memory or redis."));
        }

        if (cache.MaxEntryBytes <= 0)
        {
            errors.Add(new("cache.max_entry_bytes", $"must be a positive number of bytes, e.g. 1048576 (1 MiB); it is {cache.MaxEntryBytes.ToString(CultureInfo.InvariantCulture)}."));
        }

        if (cache.MaxEntries <= 0)
        {
            errors.Add(new("cache.max_entries", $"must be a positive number of answers kept in memory, e.g. {ResponseCacheOptions.DefaultMaxEntries.ToString(CultureInfo.InvariantCulture)} (the default); it is {cache.MaxEntries.ToString(CultureInfo.InvariantCulture)}. To keep none in this process, use cache.backend \"redis\" with cache.memory_layer false, or cache.enabled false."));
        }

        if (string.IsNullOrWhiteSpace(cache.KeyPrefix))
        {
            errors.Add(new("cache.key_prefix", $"must not be empty; write e.g. \"{ResponseCacheOptions.DefaultKeyPrefix}\" (or \"myapp:flexiai:\" to share a Redis)."));
        }

        if (cache.Enabled && cache.Backend == CacheBackend.Redis && string.IsNullOrWhiteSpace(cache.RedisConnectionString))
        {
            errors.Add(new("cache.redis_connection_string", "is required when cache.backend is redis; write e.g. \"localhost:6379\" (StackExchange.Redis syntax), or set FLEXIAI_CACHE__REDIS_CONNECTION_STRING."));
        }
    }

    private static void ValidateProviders(FlexiAIOptions options, List<string> types, List<ConfigurationError> errors)
    {
        if (options.Providers.Count == 0)
        {
            errors.Add(new("providers", $"no providers are configured. Add at least one, e.g. {BuiltInProviderFactories.ExampleProviderJson}, or register an IChatClient in code."));
            return;
        }

        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Providers.Count; i++)
        {
            var provider = options.Providers[i];
            var path = $"providers[{i.ToString(CultureInfo.InvariantCulture)}]";
            if (provider is null)
            {
                errors.Add(new(path, "is null; remove the entry or give it a name and a model."));
                continue;
            }

            if (string.IsNullOrWhiteSpace(provider.Name))
            {
                errors.Add(new($"{path}.name", "is missing. Every provider needs a unique name, e.g. \"openai\" or \"openai-backup\"."));
            }
            else if (seen.TryGetValue(provider.Name, out var first))
            {
                errors.Add(new($"{path}.name", $"'{provider.Name}' is already the name of providers[{first.ToString(CultureInfo.InvariantCulture)}]; names must be unique. Rename one and set \"type\" to its kind, e.g. {{ \"name\": \"{provider.Name}-backup\", \"type\": \"{provider.EffectiveType}\" }}."));
            }
            else
            {
                seen[provider.Name] = i;
            }

            var hasClient = provider.ChatClient is not null;
            var type = provider.EffectiveType;
            var typeKnown = types.Contains(type, StringComparer.OrdinalIgnoreCase);
            if (!hasClient && !string.IsNullOrWhiteSpace(type) && !typeKnown)
            {
                var field = string.IsNullOrWhiteSpace(provider.Type) ? "name" : "type";
                var hint = string.IsNullOrWhiteSpace(provider.Type)
                    ? " When the name is not a provider kind, add \"type\" (e.g. \"type\": \"openai\")."
                    : string.Empty;
                errors.Add(new($"{path}.{field}", $"'{type}' is not a provider type. Use one of {string.Join(", ", types)}, or register a ProviderFactory for it.{ConfigurationText.DidYouMean(type, types)}{hint}"));
            }

            if (!hasClient && string.IsNullOrWhiteSpace(provider.Model))
            {
                var example = BuiltInProviderFactories.ExampleModel(type) is { } model ? $", e.g. \"{model}\"" : string.Empty;
                errors.Add(new($"{path}.model", $"is missing for provider '{provider.Name}'. Set the model it should use{example}."));
            }

            if (provider.Priority is < 1)
            {
                errors.Add(new($"{path}.priority", $"must be 1 or more (1 is tried first); got {provider.Priority.Value.ToString(CultureInfo.InvariantCulture)}."));
            }

            if (provider.Timeout is { } timeout)
            {
                TimeoutSetting(errors, $"{path}.timeout", timeout);
            }

            if (provider.FirstTokenTimeout is { } firstToken)
            {
                TimeoutSetting(errors, $"{path}.first_token_timeout", firstToken);
            }

            if (provider.IdleTimeout is { } idle)
            {
                TimeoutSetting(errors, $"{path}.idle_timeout", idle);
            }

            if (provider.MaxRetries is < 0 or >= MaxAttemptsLimit)
            {
                errors.Add(new($"{path}.max_retries", $"must be between 0 and {(MaxAttemptsLimit - 1).ToString(CultureInfo.InvariantCulture)}; got {provider.MaxRetries.Value.ToString(CultureInfo.InvariantCulture)}."));
            }

            if (provider.CircuitBreaker is { } breaker)
            {
                ValidateBreakerShape($"{path}.circuit_breaker", breaker.FailureThreshold, breaker.RecoveryTimeout, breaker.FailureRatio, breaker.MinimumThroughput, breaker.SamplingDuration, errors);
            }

            if (provider.BaseUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
            {
                errors.Add(new($"{path}.base_url", "is not an absolute http(s) URL; write e.g. \"https://api.openai.com/v1\"."));
            }
        }

        if (options.Providers.All(p => p is null || !p.Enabled))
        {
            errors.Add(new("providers", "every provider is disabled (\"enabled\": false); enable at least one."));
        }
    }

    private static void ValidateCircuitBreaker(CircuitBreakerOptions breaker, List<ConfigurationError> errors)
    {
        ValidateBreakerShape("circuit_breaker", breaker.FailureThreshold, breaker.RecoveryTimeout, breaker.FailureRatio, breaker.MinimumThroughput, breaker.SamplingDuration, errors);

        if (breaker.StoreTimeout <= TimeSpan.Zero || breaker.StoreTimeout > MaxStoreDuration)
        {
            errors.Add(new("circuit_breaker.store_timeout", $"must be a duration between 0.001 and 3600 seconds (how long a breaker waits for its state store before it uses its local state); got {Describe(breaker.StoreTimeout)}."));
        }

        if (breaker.StoreRefreshInterval <= TimeSpan.Zero || breaker.StoreRefreshInterval > MaxStoreDuration)
        {
            errors.Add(new("circuit_breaker.store_refresh_interval", $"must be a duration between 0.001 and 3600 seconds (how often a breaker re-reads a state store that cannot push changes); got {Describe(breaker.StoreRefreshInterval)}."));
        }

        if (!double.IsFinite(breaker.MaxOpenFraction) || breaker.MaxOpenFraction <= 0 || breaker.MaxOpenFraction > 1)
        {
            errors.Add(new("circuit_breaker.max_open_fraction", $"must be above 0 and at most 1 (the largest share of providers whose breakers may be open at once, e.g. 0.5; 1 for no cap); got {breaker.MaxOpenFraction.ToString(CultureInfo.InvariantCulture)}."));
        }

        for (var i = 0; i < breaker.ExpectedExceptions.Count; i++)
        {
            var name = breaker.ExpectedExceptions[i];
            if (!LegacyExpectedExceptions.IsValid(name))
            {
                errors.Add(new(
                    $"circuit_breaker.expected_exception[{i.ToString(CultureInfo.InvariantCulture)}]",
                    $"'{name}' is not a known exception or error category. Use one of {string.Join(", ", LegacyExpectedExceptions.ValidNames)}.{ConfigurationText.DidYouMean(name, LegacyExpectedExceptions.ValidNames)}"));
            }
        }
    }

    /// <summary>The settings that shape one breaker, client-wide (<c>circuit_breaker</c>) or per provider (<c>providers[i].circuit_breaker</c>); a null value is not set.</summary>
    private static void ValidateBreakerShape(string path, int? threshold, TimeSpan? recovery, double? ratio, int? minimumThroughput, TimeSpan? sampling, List<ConfigurationError> errors)
    {
        if (threshold is < 1)
        {
            errors.Add(new($"{path}.failure_threshold", $"must be 1 or more (consecutive failures that open a breaker); got {threshold.Value.ToString(CultureInfo.InvariantCulture)}."));
        }

        if (recovery is { } recoveryTimeout)
        {
            Duration(errors, $"{path}.recovery_timeout", recoveryTimeout, "a positive duration (how long a breaker stays open before a probe)", allowZero: false, allowInfinite: false);
        }

        if (ratio is { } failureRatio && (!double.IsFinite(failureRatio) || failureRatio <= 0 || failureRatio > 1))
        {
            errors.Add(new($"{path}.failure_ratio", $"must be above 0 and at most 1 (the share of failed calls in the window that opens a breaker, e.g. 0.5); got {failureRatio.ToString(CultureInfo.InvariantCulture)}."));
        }

        if (minimumThroughput is < 1)
        {
            errors.Add(new($"{path}.minimum_throughput", $"must be 1 or more (calls the window must hold before its failure ratio is judged, e.g. 20); got {minimumThroughput.Value.ToString(CultureInfo.InvariantCulture)}."));
        }

        if (sampling is { } samplingDuration && (samplingDuration < MinSamplingDuration || samplingDuration > MaxStoreDuration))
        {
            errors.Add(new($"{path}.sampling_duration", $"must be a duration between 0.01 and 3600 seconds (how far back the failure-ratio window looks, e.g. \"30s\"); got {Describe(samplingDuration)}."));
        }
    }

    private static void ValidateStore(CircuitStoreOptions? store, List<ConfigurationError> errors)
    {
        if (store is null)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(store.Type))
        {
            errors.Add(new("circuit_breaker.store.type", "is required: \"memory\" (per process, the default) or a shared store such as \"redis\" (package FlexiAI.Redis)."));
            return;
        }

        var memory = string.Equals(store.Type.Trim(), "memory", StringComparison.OrdinalIgnoreCase);
        if (!memory && string.IsNullOrWhiteSpace(store.Connection))
        {
            errors.Add(new("circuit_breaker.store.connection", $"is required for store type '{store.Type}' (for redis, a StackExchange.Redis connection string such as \"localhost:6379\")."));
        }

        if (store.Prefix is { } prefix && (prefix.Length is 0 or > 64 || !prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ':')))
        {
            errors.Add(new("circuit_breaker.store.prefix", $"must be 1 to 64 characters of letters, digits, '_', '-', '.' or ':' (it starts every key this application writes, e.g. \"orders-api\"); got '{prefix}'."));
        }
    }

    private static void ValidateRetry(RetryOptions retry, List<ConfigurationError> errors)
    {
        if (retry.MaxAttempts is < 1 or > MaxAttemptsLimit)
        {
            errors.Add(new("retry.max_attempts", $"must be between 1 (no retries) and {MaxAttemptsLimit.ToString(CultureInfo.InvariantCulture)}; got {retry.MaxAttempts.ToString(CultureInfo.InvariantCulture)}."));
        }

        if (!double.IsFinite(retry.BackoffFactor) || retry.BackoffFactor < 1)
        {
            errors.Add(new("retry.backoff_factor", $"must be 1 or more (the multiplier between consecutive delays); got {retry.BackoffFactor.ToString(CultureInfo.InvariantCulture)}."));
        }

        Duration(errors, "retry.initial_delay", retry.InitialDelay, "0 or a positive duration", allowZero: true, allowInfinite: false);
        if (retry.MaxDelay < retry.InitialDelay)
        {
            errors.Add(new("retry.max_delay", $"must be at least retry.initial_delay ({Describe(retry.InitialDelay)}); got {Describe(retry.MaxDelay)}."));
        }
        else
        {
            Duration(errors, "retry.max_delay", retry.MaxDelay, "0 or a positive duration", allowZero: true, allowInfinite: false);
        }

        Duration(errors, "retry.max_retry_after", retry.MaxRetryAfter, "0 (never wait for Retry-After) or a positive duration", allowZero: true, allowInfinite: false);
    }

    // A timeout: positive and at most MaxDuration, or infinite (Timeout.InfiniteTimeSpan, written "infinite" or -1).
    private static void TimeoutSetting(List<ConfigurationError> errors, string path, TimeSpan value) =>
        Duration(errors, path, value, "a positive duration", allowZero: false, allowInfinite: true);

    private static void Duration(List<ConfigurationError> errors, string path, TimeSpan value, string expected, bool allowZero, bool allowInfinite)
    {
        if (allowInfinite && value == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        var infinite = allowInfinite ? ", or \"infinite\" for no limit" : string.Empty;
        if (value < TimeSpan.Zero || (!allowZero && value == TimeSpan.Zero))
        {
            errors.Add(new(path, $"must be {expected} up to {MaxText}{infinite}; got {Describe(value)}."));
        }
        else if (value > MaxDuration)
        {
            var range = allowZero ? $"from 0 to {MaxText}" : $"above 0 and up to {MaxText}";
            errors.Add(new(path, $"{Describe(value)} is above the maximum of {MaxText} (the longest timer .NET and HttpClient accept); use a value {range}{infinite}."));
        }
    }

    /// <summary>A duration for a message: milliseconds, seconds, minutes, hours or days, whichever reads best.</summary>
    internal static string Describe(TimeSpan value)
    {
        var inv = CultureInfo.InvariantCulture;
        var abs = value == TimeSpan.MinValue ? TimeSpan.MaxValue : value.Duration();
        return abs switch
        {
            _ when abs < TimeSpan.FromSeconds(1) && abs > TimeSpan.Zero => $"{value.TotalMilliseconds.ToString("0.###", inv)} ms",
            _ when abs < TimeSpan.FromMinutes(2) => $"{value.TotalSeconds.ToString("0.###", inv)} s",
            _ when abs < TimeSpan.FromHours(2) => $"{value.TotalMinutes.ToString("0.##", inv)} min",
            _ when abs < TimeSpan.FromDays(2) => $"{value.TotalHours.ToString("0.##", inv)} h",
            _ => $"{value.TotalDays.ToString("0.##", inv)} days",
        };
    }
}
