using System.Globalization;

namespace FlexiAI;

/// <summary>Validates <c>rate_limit</c> (top level and per provider), naming the path of each error.</summary>
internal static class RateLimitValidator
{
    private const int MaxPerMinute = 100_000_000;
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(1);

    public static void Validate(FlexiAIOptions options, List<ConfigurationError> errors)
    {
        Validate(options.RateLimit, "rate_limit", errors);
        for (var i = 0; i < options.Providers.Count; i++)
        {
            Validate(options.Providers[i]?.RateLimit, $"providers[{i.ToString(CultureInfo.InvariantCulture)}].rate_limit", errors);
        }
    }

    private static void Validate(RateLimitOptions? limit, string path, List<ConfigurationError> errors)
    {
        if (limit is null)
        {
            return;
        }

        if (limit.RequestsPerMinute is null && limit.TokensPerMinute is null)
        {
            errors.Add(new(path, "sets no limit: give requests_per_minute and/or tokens_per_minute (e.g. { \"requests_per_minute\": 600 }), or remove it."));
        }

        PerMinute(limit.RequestsPerMinute, $"{path}.requests_per_minute", "requests sent to the provider in any 60 seconds", errors);
        PerMinute(limit.TokensPerMinute, $"{path}.tokens_per_minute", "estimated input plus requested output tokens in any 60 seconds", errors);
        if (limit.MaxWait < TimeSpan.Zero || limit.MaxWait > MaxWait)
        {
            errors.Add(new($"{path}.max_wait", $"must be a duration between 0 (skip the provider at once) and 60 seconds (how long a request may wait for room); got {limit.MaxWait.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s."));
        }
    }

    private static void PerMinute(int? value, string path, string meaning, List<ConfigurationError> errors)
    {
        if (value is { } v && (v < 1 || v > MaxPerMinute))
        {
            errors.Add(new(path, $"must be between 1 and {MaxPerMinute.ToString(CultureInfo.InvariantCulture)} ({meaning}); got {v.ToString(CultureInfo.InvariantCulture)}."));
        }
    }
}
