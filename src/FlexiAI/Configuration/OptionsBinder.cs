using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace FlexiAI;

/// <summary>
/// Binds an <see cref="IConfiguration"/> tree onto <see cref="FlexiAIOptions"/>. Keys match ignoring case, underscores and dashes,
/// so the plan's snake_case JSON, PascalCase <c>appsettings.json</c> and <c>FLEXIAI_</c> environment variables all work.
/// Every problem is collected with its path; nothing is echoed from <c>api_key</c>.
/// </summary>
internal sealed partial class OptionsBinder
{
    private static readonly string[] TopLevelKeys =
        ["providers", "circuit_breaker", "retry", "attempt_timeout", "request_timeout", "wait_for_recovery", "error_policies", "streaming", "logging", "preset", "pricing", "budgets", "cost", "gateway", "rate_limit", "cache"];

    private static readonly string[] ProviderKeys =
        ["name", "type", "priority", "model", "api_key", "base_url", "timeout", "first_token_timeout", "idle_timeout", "max_retries", "enabled", "config", "circuit_breaker", "rate_limit"];

    private static readonly string[] ProviderCircuitBreakerKeys = ["mode", "failure_threshold", "recovery_timeout", "failure_ratio", "minimum_throughput", "sampling_duration", "count_per_request"];

    private static readonly string[] RateLimitKeys = ["requests_per_minute", "tokens_per_minute", "max_wait"];
    private static readonly string[] StoreKeys = ["type", "connection", "prefix"];
    private static readonly string[] CircuitBreakerKeys = ["failure_threshold", "recovery_timeout", "expected_exception", "store_timeout", "store_refresh_interval", "mode", "failure_ratio", "minimum_throughput", "sampling_duration", "count_per_request", "all_open", "max_open_fraction", "store"];
    private static readonly string[] RetryKeys = ["max_attempts", "backoff_factor", "initial_delay", "max_delay", "max_retry_after", "jitter", "strategy"];
    private static readonly string[] StreamingKeys = ["first_token_timeout", "idle_timeout", "mid_stream_policy", "require_finish_reason", "continuation_prompt"];
    private static readonly string[] LoggingKeys = ["level", "file"];
    private static readonly string[] CacheKeys = ["enabled", "ttl", "backend", "redis_connection_string", "key_prefix", "cache_nondeterministic", "cache_tool_calls", "max_entry_bytes", "store_timeout", "store_retry_interval", "exclude_providers", "memory_layer", "max_entries"];
    private static readonly string[] PolicyKeys = ["retry", "failover", "count_toward_breaker"];

    private readonly List<ConfigurationError> _errors;
    private readonly IReadOnlyDictionary<string, string> _environmentNames;

    private OptionsBinder(List<ConfigurationError> errors, IReadOnlyDictionary<string, string> environmentNames)
    {
        _errors = errors;
        _environmentNames = environmentNames;
    }

    /// <summary>Binds <paramref name="root"/> onto <paramref name="options"/>, adding every problem to <paramref name="errors"/>.</summary>
    /// <param name="root">The configuration (root or section).</param>
    /// <param name="options">The options to fill (defaults already in place).</param>
    /// <param name="errors">Receives the problems.</param>
    /// <param name="environmentNames">Normalized configuration path → the environment variable that set it, for messages.</param>
    public static void Bind(IConfiguration root, FlexiAIOptions options, List<ConfigurationError> errors, IReadOnlyDictionary<string, string>? environmentNames = null)
    {
        var binder = new OptionsBinder(errors, environmentNames ?? new Dictionary<string, string>());
        binder.BindRoot(root, options);
    }

    /// <summary>Normalizes a configuration path (<c>A:b_c</c> → <c>a:bc</c>) for environment-name lookups.</summary>
    public static string NormalizePath(string path) =>
        string.Join(':', path.Split(':').Select(ConfigurationText.Normalize));

    private void BindRoot(IConfiguration root, FlexiAIOptions options)
    {
        var children = root.GetChildren().ToList();
        var preset = children.Find(c => Is(c, "preset"));
        if (preset is not null && Scalar(preset, "preset") is { } presetName)
        {
            if (ConfigurationText.TryParseEnum<ConfigurationPreset>(presetName, out var value))
            {
                options.ApplyPreset(value);
            }
            else
            {
                Error(preset, "preset", $"'{presetName}' is not a preset. Use fast, balanced or reliable.");
            }
        }

        foreach (var child in children)
        {
            switch (ConfigurationText.Normalize(child.Key))
            {
                case "preset":
                    break;
                case "providers":
                    BindProviders(child, options);
                    break;
                case "circuitbreaker":
                    BindCircuitBreaker(child, options.CircuitBreaker);
                    break;
                case "retry":
                    BindRetry(child, options.Retry);
                    break;
                case "attempttimeout":
                    Duration(child, "attempt_timeout", allowInfinite: true, v => options.AttemptTimeout = v);
                    break;
                case "requesttimeout":
                    Duration(child, "request_timeout", allowInfinite: true, v => options.RequestTimeout = v);
                    break;
                case "waitforrecovery":
                    Duration(child, "wait_for_recovery", allowInfinite: false, v => options.WaitForRecovery = v);
                    break;
                case "errorpolicies":
                    BindErrorPolicies(child, options);
                    break;
                case "streaming":
                    BindStreaming(child, options.Streaming);
                    break;
                case "logging":
                    BindLogging(child, options.Logging);
                    break;
                case "pricing" or "budgets" or "cost":
                    BindCost(child, options.Cost);
                    break;
                case "gateway":
                    // Read by FlexiAI.Gateway (`flexiai serve`): keys, routes and limits of the OpenAI-compatible gateway.
                    break;
                case "ratelimit":
                    options.RateLimit = BindRateLimit(child, options.RateLimit, "rate_limit");
                    break;
                case "cache":
                    BindCache(child, options.Cache ??= new ResponseCacheOptions { Enabled = true });
                    break;
                default:
                    Unknown(child, child.Key, TopLevelKeys);
                    break;
            }
        }
    }

    private void BindProviders(IConfigurationSection section, FlexiAIOptions options)
    {
        if (section.Value is { Length: > 0 } && !section.GetChildren().Any())
        {
            Error(section, "providers", $"expected a list of providers, found a single value. Write \"providers\": [ {BuiltInProviderFactories.ExampleProviderJson} ].");
            return;
        }

        var indexed = new List<(int Index, IConfigurationSection Section)>();
        var named = new List<IConfigurationSection>();
        foreach (var child in section.GetChildren())
        {
            if (int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                indexed.Add((index, child));
            }
            else
            {
                named.Add(child);
            }
        }

        foreach (var (index, child) in indexed.OrderBy(p => p.Index))
        {
            var provider = new ProviderOptions();
            BindProvider(child, provider, $"providers[{index.ToString(CultureInfo.InvariantCulture)}]");
            options.Providers.Add(provider);
        }

        // Environment variables may address a provider by name: FLEXIAI_PROVIDERS__OPENAI__API_KEY.
        foreach (var child in named)
        {
            var provider = options.Providers.FirstOrDefault(p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            if (provider is null)
            {
                provider = new ProviderOptions { Name = child.Key.ToLowerInvariant() };
                options.Providers.Add(provider);
            }

            BindProvider(child, provider, $"providers[name={provider.Name}]");
        }
    }

    private void BindProvider(IConfigurationSection section, ProviderOptions provider, string path)
    {
        foreach (var child in section.GetChildren())
        {
            var key = ConfigurationText.Normalize(child.Key);
            switch (key)
            {
                case "name":
                    Text(child, $"{path}.name", v => provider.Name = v);
                    break;
                case "type":
                    Text(child, $"{path}.type", v => provider.Type = v.ToLowerInvariant());
                    break;
                case "priority":
                    Integer(child, $"{path}.priority", v => provider.Priority = v);
                    break;
                case "model":
                    Text(child, $"{path}.model", v => provider.Model = v);
                    break;
                case "apikey":
                    // Never echoed: a wrong shape is reported without the value.
                    if (child.GetChildren().Any())
                    {
                        Error(child, $"{path}.api_key", "expected a string, found a section.");
                    }
                    else if (child.Value is { Length: > 0 } apiKey)
                    {
                        provider.ApiKey = apiKey;
                    }

                    break;
                case "config" or "settings":
                    BindProviderSettings(child, provider, $"{path}.config");
                    break;
                case "enabled":
                    Boolean(child, $"{path}.enabled", v => provider.Enabled = v);
                    break;
                case "circuitbreaker":
                    BindProviderCircuitBreaker(child, provider.CircuitBreaker ??= new ProviderCircuitBreakerOptions(), $"{path}.circuit_breaker");
                    break;
                default:
                    if (!BindProviderTuning(child, key, provider, path))
                    {
                        Unknown(child, $"{path}.{child.Key}", ProviderKeys);
                    }

                    break;
            }
        }
    }

    // Keys accepted both on the provider and inside its "config" section (the plan puts timeout and max_retries there).
    private bool BindProviderTuning(IConfigurationSection child, string key, ProviderOptions provider, string path)
    {
        switch (key)
        {
            case "baseurl" or "endpoint":
                Url(child, $"{path}.base_url", v => provider.BaseUrl = v);
                return true;
            case "timeout":
                Duration(child, $"{path}.timeout", allowInfinite: true, v => provider.Timeout = v);
                return true;
            case "firsttokentimeout":
                Duration(child, $"{path}.first_token_timeout", allowInfinite: true, v => provider.FirstTokenTimeout = v);
                return true;
            case "idletimeout":
                Duration(child, $"{path}.idle_timeout", allowInfinite: true, v => provider.IdleTimeout = v);
                return true;
            case "maxretries":
                Integer(child, $"{path}.max_retries", v => provider.MaxRetries = v);
                return true;
            case "ratelimit":
                provider.RateLimit = BindRateLimit(child, provider.RateLimit, $"{path}.rate_limit");
                return true;
            default:
                return false;
        }
    }

    private void BindProviderSettings(IConfigurationSection section, ProviderOptions provider, string path)
    {
        foreach (var child in section.GetChildren())
        {
            var key = ConfigurationText.Normalize(child.Key);
            if (BindProviderTuning(child, key, provider, path))
            {
                continue;
            }

            if (key is "apikey")
            {
                Error(child, $"{path}.{child.Key}", "the API key belongs on the provider itself: move it to \"api_key\" next to \"model\".");
                continue;
            }

            Flatten(child, child.Key, provider.Settings);
        }
    }

    private static void Flatten(IConfigurationSection section, string key, IDictionary<string, string?> target)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            target[key] = section.Value;
            return;
        }

        foreach (var child in children)
        {
            Flatten(child, $"{key}:{child.Key}", target);
        }
    }

    private void BindCircuitBreaker(IConfigurationSection section, CircuitBreakerOptions options)
    {
        foreach (var child in Children(section, "circuit_breaker"))
        {
            switch (ConfigurationText.Normalize(child.Key))
            {
                case "failurethreshold":
                    Integer(child, "circuit_breaker.failure_threshold", v => options.FailureThreshold = v);
                    break;
                case "recoverytimeout":
                    Duration(child, "circuit_breaker.recovery_timeout", allowInfinite: false, v => options.RecoveryTimeout = v);
                    break;
                case "storetimeout":
                    Duration(child, "circuit_breaker.store_timeout", allowInfinite: false, v => options.StoreTimeout = v);
                    break;
                case "storerefreshinterval":
                    Duration(child, "circuit_breaker.store_refresh_interval", allowInfinite: false, v => options.StoreRefreshInterval = v);
                    break;
                case "mode":
                    Text(child, "circuit_breaker.mode", v =>
                    {
                        if (ConfigurationText.TryParseEnum<CircuitBreakerMode>(v, out var mode))
                        {
                            options.Mode = mode;
                        }
                        else
                        {
                            Error(child, "circuit_breaker.mode", $"'{v}' is not a breaker mode. Use consecutive or ratio.");
                        }
                    });
                    break;
                case "failureratio":
                    Number(child, "circuit_breaker.failure_ratio", v => options.FailureRatio = v);
                    break;
                case "minimumthroughput":
                    Integer(child, "circuit_breaker.minimum_throughput", v => options.MinimumThroughput = v);
                    break;
                case "samplingduration":
                    Duration(child, "circuit_breaker.sampling_duration", allowInfinite: false, v => options.SamplingDuration = v);
                    break;
                case "countperrequest":
                    Boolean(child, "circuit_breaker.count_per_request", v => options.CountPerRequest = v);
                    break;
                case "allopen":
                    Text(child, "circuit_breaker.all_open", v =>
                    {
                        if (ConfigurationText.TryParseEnum<AllOpenPolicy>(v, out var policy))
                        {
                            options.AllOpen = policy;
                        }
                        else
                        {
                            Error(child, "circuit_breaker.all_open", $"'{v}' is not an all-open policy. Use fail or panic.");
                        }
                    });
                    break;
                case "maxopenfraction":
                    Number(child, "circuit_breaker.max_open_fraction", v => options.MaxOpenFraction = v);
                    break;
                case "expectedexception" or "expectedexceptions":
                    options.ExpectedExceptions.Clear();
                    foreach (var name in List(child))
                    {
                        options.ExpectedExceptions.Add(name);
                    }

                    break;
                case "store":
                    BindStore(child, options);
                    break;
                default:
                    Unknown(child, $"circuit_breaker.{child.Key}", CircuitBreakerKeys);
                    break;
            }
        }
    }

    private void BindProviderCircuitBreaker(IConfigurationSection section, ProviderCircuitBreakerOptions options, string path)
    {
        foreach (var child in Children(section, path))
        {
            switch (ConfigurationText.Normalize(child.Key))
            {
                case "mode":
                    Text(child, $"{path}.mode", v =>
                    {
                        if (ConfigurationText.TryParseEnum<CircuitBreakerMode>(v, out var mode))
                        {
                            options.Mode = mode;
                        }
                        else
                        {
                            Error(child, $"{path}.mode", $"'{v}' is not a breaker mode. Use consecutive or ratio.");
                        }
                    });
                    break;
                case "failurethreshold":
                    Integer(child, $"{path}.failure_threshold", v => options.FailureThreshold = v);
                    break;
                case "recoverytimeout":
                    Duration(child, $"{path}.recovery_timeout", allowInfinite: false, v => options.RecoveryTimeout = v);
                    break;
                case "failureratio":
                    Number(child, $"{path}.failure_ratio", v => options.FailureRatio = v);
                    break;
                case "minimumthroughput":
                    Integer(child, $"{path}.minimum_throughput", v => options.MinimumThroughput = v);
                    break;
                case "samplingduration":
                    Duration(child, $"{path}.sampling_duration", allowInfinite: false, v => options.SamplingDuration = v);
                    break;
                case "countperrequest":
                    Boolean(child, $"{path}.count_per_request", v => options.CountPerRequest = v);
                    break;
                case "allopen" or "maxopenfraction" or "expectedexception" or "expectedexceptions" or "storetimeout" or "storerefreshinterval":
                    Error(child, $"{path}.{child.Key}", $"'{child.Key}' applies to every provider at once and cannot be set per provider; move it to the top-level \"circuit_breaker\" section. Per provider: {string.Join(", ", ProviderCircuitBreakerKeys)}.");
                    break;
                default:
                    Unknown(child, $"{path}.{child.Key}", ProviderCircuitBreakerKeys);
                    break;
            }
        }
    }

    private RateLimitOptions BindRateLimit(IConfigurationSection section, RateLimitOptions? existing, string path)
    {
        var limit = existing ?? new RateLimitOptions();
        foreach (var child in Children(section, path))
        {
            switch (ConfigurationText.Normalize(child.Key))
            {
                case "requestsperminute" or "rpm":
                    Integer(child, $"{path}.requests_per_minute", v => limit.RequestsPerMinute = v);
                    break;
                case "tokensperminute" or "tpm":
                    Integer(child, $"{path}.tokens_per_minute", v => limit.TokensPerMinute = v);
                    break;
                case "maxwait":
                    Duration(child, $"{path}.max_wait", allowInfinite: false, v => limit.MaxWait = v);
                    break;
                default:
                    Unknown(child, $"{path}.{child.Key}", RateLimitKeys);
                    break;
            }
        }

        return limit;
    }

    private void BindStore(IConfigurationSection section, CircuitBreakerOptions options)
    {
        var store = options.Store ?? new CircuitStoreOptions();
        foreach (var child in Children(section, "circuit_breaker.store"))
        {
            switch (ConfigurationText.Normalize(child.Key))
            {
                case "type":
                    Text(child, "circuit_breaker.store.type", v => store.Type = v);
                    break;
                case "connection" or "connectionstring":
                    Text(child, "circuit_breaker.store.connection", v => store.Connection = v);
                    break;
                case "prefix":
                    Text(child, "circuit_breaker.store.prefix", v => store.Prefix = v);
                    break;
                default:
                    Unknown(child, $"circuit_breaker.store.{child.Key}", StoreKeys);
                    break;
            }
        }

        options.Store = store;
    }

    private void BindRetry(IConfigurationSection section, RetryOptions options)
    {
        foreach (var child in Children(section, "retry"))
        {
            switch (ConfigurationText.Normalize(child.Key))
            {
                case "maxattempts":
                    Integer(child, "retry.max_attempts", v => options.MaxAttempts = v);
                    break;
                case "backofffactor":
                    Number(child, "retry.backoff_factor", v => options.BackoffFactor = v);
                    break;
                case "initialdelay":
                    Duration(child, "retry.initial_delay", allowInfinite: false, v => options.InitialDelay = v);
                    break;
                case "maxdelay":
                    Duration(child, "retry.max_delay", allowInfinite: false, v => options.MaxDelay = v);
                    break;
                case "maxretryafter":
                    Duration(child, "retry.max_retry_after", allowInfinite: false, v => options.MaxRetryAfter = v);
                    break;
                case "strategy":
                    Text(child, "retry.strategy", v =>
                    {
                        if (ConfigurationText.TryParseEnum<RetryStrategy>(v, out var strategy))
                        {
                            options.Strategy = strategy;
                        }
                        else
                        {
                            Error(child, "retry.strategy", $"'{v}' is not a retry strategy. Use in_place or failover_first.");
                        }
                    });
                    break;
                case "jitter" or "usejitter":
                    Boolean(child, "retry.jitter", v => options.UseJitter = v);
                    break;
                default:
                    Unknown(child, $"retry.{child.Key}", RetryKeys);
                    break;
            }
        }
    }

    private void BindErrorPolicies(IConfigurationSection section, FlexiAIOptions options)
    {
        foreach (var child in Children(section, "error_policies"))
        {
            var path = $"error_policies.{child.Key}";
            if (!ConfigurationText.TryParseEnum<ErrorCategory>(child.Key, out var category))
            {
                Error(child, path, $"'{child.Key}' is not an error category. Use one of {ConfigurationText.EnumNames<ErrorCategory>()}.{ConfigurationText.DidYouMean(child.Key, Enum.GetNames<ErrorCategory>().Select(ConfigurationText.ToSnakeCase))}");
                continue;
            }

            var policy = options.GetErrorPolicy(category);
            foreach (var field in Children(child, path))
            {
                switch (ConfigurationText.Normalize(field.Key))
                {
                    case "retry":
                        Boolean(field, $"{path}.retry", v => policy = policy with { Retry = v });
                        break;
                    case "failover":
                        Boolean(field, $"{path}.failover", v => policy = policy with { Failover = v });
                        break;
                    case "counttowardbreaker" or "countstowardbreaker" or "count" or "counts":
                        Boolean(field, $"{path}.count_toward_breaker", v => policy = policy with { CountsTowardBreaker = v });
                        break;
                    default:
                        Unknown(field, $"{path}.{field.Key}", PolicyKeys);
                        break;
                }
            }

            options.ErrorPolicies[category] = policy;
        }
    }

    private void BindStreaming(IConfigurationSection section, StreamingOptions options)
    {
        foreach (var child in Children(section, "streaming"))
        {
            switch (ConfigurationText.Normalize(child.Key))
            {
                case "firsttokentimeout":
                    Duration(child, "streaming.first_token_timeout", allowInfinite: true, v => options.FirstTokenTimeout = v);
                    break;
                case "idletimeout":
                    Duration(child, "streaming.idle_timeout", allowInfinite: true, v => options.IdleTimeout = v);
                    break;
                case "midstreampolicy":
                    Text(child, "streaming.mid_stream_policy", v =>
                    {
                        if (ConfigurationText.TryParseEnum<MidStreamPolicy>(v, out var policy))
                        {
                            options.MidStreamPolicy = policy;
                        }
                        else
                        {
                            Error(child, "streaming.mid_stream_policy", $"'{v}' is not a mid-stream policy. Use fail or continue.");
                        }
                    });
                    break;
                case "requirefinishreason":
                    Boolean(child, "streaming.require_finish_reason", v => options.RequireFinishReason = v);
                    break;
                case "continuationprompt":
                    Text(child, "streaming.continuation_prompt", v => options.ContinuationPrompt = v);
                    break;
                default:
                    Unknown(child, $"streaming.{child.Key}", StreamingKeys);
                    break;
            }
        }
    }

    private void BindCache(IConfigurationSection section, ResponseCacheOptions options)
    {
        foreach (var child in Children(section, "cache"))
        {
            switch (ConfigurationText.Normalize(child.Key))
            {
                case "enabled":
                    Boolean(child, "cache.enabled", v => options.Enabled = v);
                    break;
                case "ttl":
                    Duration(child, "cache.ttl", allowInfinite: false, v => options.Ttl = v);
                    break;
                case "backend":
                    Text(child, "cache.backend", v =>
                    {
                        if (ConfigurationText.TryParseEnum<CacheBackend>(v, out var backend))
                        {
                            options.Backend = backend;
                        }
                        else
                        {
                            Error(child, "cache.backend", $"'{v}' is not a cache backend. Use memory or redis.");
                        }
                    });
                    break;
                case "redisconnectionstring" or "connectionstring" or "redis":
                    Text(child, "cache.redis_connection_string", v => options.RedisConnectionString = v);
                    break;
                case "keyprefix":
                    Text(child, "cache.key_prefix", v => options.KeyPrefix = v);
                    break;
                case "cachenondeterministic":
                    Boolean(child, "cache.cache_nondeterministic", v => options.CacheNondeterministic = v);
                    break;
                case "cachetoolcalls":
                    Boolean(child, "cache.cache_tool_calls", v => options.CacheToolCalls = v);
                    break;
                case "maxentrybytes":
                    Integer(child, "cache.max_entry_bytes", v => options.MaxEntryBytes = v);
                    break;
                case "maxentries":
                    Integer(child, "cache.max_entries", v => options.MaxEntries = v);
                    break;
                case "storetimeout":
                    Duration(child, "cache.store_timeout", allowInfinite: false, v => options.StoreTimeout = v);
                    break;
                case "storeretryinterval":
                    Duration(child, "cache.store_retry_interval", allowInfinite: false, v => options.StoreRetryInterval = v);
                    break;
                case "memorylayer":
                    Boolean(child, "cache.memory_layer", v => options.MemoryLayer = v);
                    break;
                case "excludeproviders":
                    foreach (var name in List(child))
                    {
                        options.ExcludedProviders.Add(name);
                    }

                    break;
                default:
                    Unknown(child, $"cache.{child.Key}", CacheKeys);
                    break;
            }
        }
    }

    private void BindLogging(IConfigurationSection section, LoggingOptions options)
    {
        foreach (var child in Children(section, "logging"))
        {
            switch (ConfigurationText.Normalize(child.Key))
            {
                case "level":
                    Text(child, "logging.level", v =>
                    {
                        if (ConfigurationText.TryParseLogLevel(v, out var level))
                        {
                            options.Level = level;
                        }
                        else
                        {
                            Error(child, "logging.level", $"'{v}' is not a log level. Use DEBUG, INFO, WARNING, ERROR, CRITICAL, TRACE or NONE.");
                        }
                    });
                    break;
                case "file":
                    Text(child, "logging.file", v => options.File = v);
                    break;
                default:
                    Unknown(child, $"logging.{child.Key}", LoggingKeys);
                    break;
            }
        }
    }

    private List<IConfigurationSection> Children(IConfigurationSection section, string path)
    {
        if (section.Value is { Length: > 0 } && !section.GetChildren().Any())
        {
            Error(section, path, "expected a section ({ … }), found a single value.");
            return [];
        }

        var children = section.GetChildren().ToList();
        if (children.Count > 0 && children.TrueForAll(c => int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            // A JSON array binds as children "0", "1", …: one error at the section, not one "unknown setting" per element.
            Error(section, path, "expected a section ({ … }), found a list ([ … ]); write its settings as named members ({ \"setting\": value, … }).");
            return [];
        }

        return children;
    }

    private static IEnumerable<string> List(IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            return (section.Value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        return children
            .OrderBy(c => int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : int.MaxValue)
            .Select(c => c.Value)
            .Where(v => !string.IsNullOrWhiteSpace(v))
            .Select(v => v!.Trim());
    }

    private string? Scalar(IConfigurationSection section, string path)
    {
        if (section.GetChildren().Any())
        {
            Error(section, path, "expected a single value, found a section.");
            return null;
        }

        return string.IsNullOrWhiteSpace(section.Value) ? null : section.Value.Trim();
    }

    private void Text(IConfigurationSection section, string path, Action<string> set)
    {
        if (Scalar(section, path) is { } value)
        {
            set(value);
        }
    }

    private void Integer(IConfigurationSection section, string path, Action<int> set)
    {
        if (Scalar(section, path) is not { } text)
        {
            return;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            set(value);
        }
        else
        {
            Error(section, path, $"'{text}' is not a whole number; write e.g. 3.");
        }
    }

    private void Number(IConfigurationSection section, string path, Action<double> set)
    {
        if (Scalar(section, path) is not { } text)
        {
            return;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            set(value);
        }
        else
        {
            Error(section, path, $"'{text}' is not a number; write e.g. 2 or 1.5.");
        }
    }

    private void Boolean(IConfigurationSection section, string path, Action<bool> set)
    {
        if (Scalar(section, path) is not { } text)
        {
            return;
        }

        switch (text.ToUpperInvariant())
        {
            case "TRUE" or "YES" or "ON" or "1":
                set(true);
                break;
            case "FALSE" or "NO" or "OFF" or "0":
                set(false);
                break;
            default:
                Error(section, path, $"'{text}' is not true or false.");
                break;
        }
    }

    private void Duration(IConfigurationSection section, string path, bool allowInfinite, Action<TimeSpan> set)
    {
        if (Scalar(section, path) is not { } text)
        {
            return;
        }

        if (ConfigurationText.TryParseDuration(text, allowInfinite, out var value))
        {
            set(value);
        }
        else
        {
            var infinite = allowInfinite ? ", or \"infinite\" for no limit" : string.Empty;
            Error(section, path, $"'{text}' is not a duration; write seconds as a number (30, 0.5) or a string with a unit (\"500ms\", \"30s\", \"2m\"){infinite}.");
        }
    }

    private void Url(IConfigurationSection section, string path, Action<Uri> set)
    {
        if (Scalar(section, path) is not { } text)
        {
            return;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            set(uri);
        }
        else
        {
            Error(section, path, "is not an absolute http(s) URL; write e.g. \"https://api.openai.com/v1\".");
        }
    }

    private void Unknown(IConfigurationSection section, string path, IEnumerable<string> known) =>
        Error(section, path, $"unknown setting '{section.Key}'.{ConfigurationText.DidYouMean(section.Key, known)} Valid here: {string.Join(", ", known)}.");

    private void Error(IConfigurationSection section, string path, string message)
    {
        if (_environmentNames.TryGetValue(NormalizePath(section.Path), out var variable))
        {
            message += $" (set by environment variable {variable})";
        }

        _errors.Add(new ConfigurationError(path, message));
    }

    private static bool Is(IConfigurationSection section, string key) =>
        ConfigurationText.Normalize(section.Key) == ConfigurationText.Normalize(key);
}
