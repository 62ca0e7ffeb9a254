using System.Globalization;

namespace FlexiAI;

/// <summary>Checks <see cref="FlexiAIOptions"/> and reports every problem with its path and the fix; never echoes a secret.</summary>
internal static class OptionsValidator
{
    private const int MaxAttemptsLimit = 20;

    public static List<ConfigurationError> Validate(FlexiAIOptions options, IEnumerable<string>? additionalProviderTypes)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<ConfigurationError>();
        var types = ProviderTypes.BuiltIn.Concat(additionalProviderTypes ?? []).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        ValidateProviders(options, types, errors);
        ValidateCircuitBreaker(options.CircuitBreaker, errors);
        ValidateRetry(options.Retry, errors);
        Positive(errors, "attempt_timeout", options.AttemptTimeout, allowInfinite: true);
        Positive(errors, "request_timeout", options.RequestTimeout, allowInfinite: true);
        if (options.WaitForRecovery < TimeSpan.Zero)
        {
            errors.Add(new("wait_for_recovery", $"must be 0 (fail fast) or a positive duration; got {Seconds(options.WaitForRecovery)}."));
        }

        if (options.Streaming.FirstTokenTimeout is { } firstToken)
        {
            Positive(errors, "streaming.first_token_timeout", firstToken, allowInfinite: true);
        }

        Positive(errors, "streaming.idle_timeout", options.Streaming.IdleTimeout, allowInfinite: true);
        if (!Enum.IsDefined(options.Streaming.MidStreamPolicy))
        {
            errors.Add(new("streaming.mid_stream_policy", "is not a mid-stream policy. Use fail or continue."));
        }

        if (!Enum.IsDefined(options.Logging.Level))
        {
            errors.Add(new("logging.level", "is not a log level. Use DEBUG, INFO, WARNING, ERROR, CRITICAL, TRACE or NONE."));
        }

        return errors;
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
                Positive(errors, $"{path}.timeout", timeout, allowInfinite: true);
            }

            if (provider.FirstTokenTimeout is { } firstToken)
            {
                Positive(errors, $"{path}.first_token_timeout", firstToken, allowInfinite: true);
            }

            if (provider.IdleTimeout is { } idle)
            {
                Positive(errors, $"{path}.idle_timeout", idle, allowInfinite: true);
            }

            if (provider.MaxRetries is < 0 or >= MaxAttemptsLimit)
            {
                errors.Add(new($"{path}.max_retries", $"must be between 0 and {(MaxAttemptsLimit - 1).ToString(CultureInfo.InvariantCulture)}; got {provider.MaxRetries.Value.ToString(CultureInfo.InvariantCulture)}."));
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
        if (breaker.FailureThreshold < 1)
        {
            errors.Add(new("circuit_breaker.failure_threshold", $"must be 1 or more (consecutive failures that open a breaker); got {breaker.FailureThreshold.ToString(CultureInfo.InvariantCulture)}."));
        }

        if (breaker.RecoveryTimeout <= TimeSpan.Zero)
        {
            errors.Add(new("circuit_breaker.recovery_timeout", $"must be a positive duration (how long a breaker stays open before a probe); got {Seconds(breaker.RecoveryTimeout)}."));
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

        if (retry.InitialDelay < TimeSpan.Zero)
        {
            errors.Add(new("retry.initial_delay", $"must not be negative; got {Seconds(retry.InitialDelay)}."));
        }

        if (retry.MaxDelay < retry.InitialDelay)
        {
            errors.Add(new("retry.max_delay", $"must be at least retry.initial_delay ({Seconds(retry.InitialDelay)}); got {Seconds(retry.MaxDelay)}."));
        }

        if (retry.MaxRetryAfter < TimeSpan.Zero)
        {
            errors.Add(new("retry.max_retry_after", $"must not be negative; got {Seconds(retry.MaxRetryAfter)}."));
        }
    }

    private static void Positive(List<ConfigurationError> errors, string path, TimeSpan value, bool allowInfinite)
    {
        if (allowInfinite && value == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        if (value <= TimeSpan.Zero)
        {
            var infinite = allowInfinite ? ", or \"infinite\" for no limit" : string.Empty;
            errors.Add(new(path, $"must be a positive duration{infinite}; got {Seconds(value)}."));
        }
    }

    private static string Seconds(TimeSpan value) => $"{value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";
}
