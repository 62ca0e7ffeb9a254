using System.Globalization;

namespace FlexiAI;

/// <summary>
/// One provider's client-side rate limit (<c>rate_limit</c>) and its headroom in the current sliding minute: requests and tokens
/// left. Read from the fleet's shared store (FlexiAI.Redis) when one is configured and answers, else this process's window.
/// Returned by <see cref="FlexiAIClient.GetRateLimitStatusAsync"/>.
/// </summary>
public sealed class RateLimitStatus
{
    internal RateLimitStatus(string provider, RateLimitOptions limit, long? requestsUsed, long? tokensUsed, bool shared)
    {
        Provider = provider;
        RequestsPerMinute = limit.RequestsPerMinute;
        TokensPerMinute = limit.TokensPerMinute;
        RequestsUsed = limit.RequestsPerMinute is null ? null : requestsUsed ?? 0;
        TokensUsed = limit.TokensPerMinute is null ? null : tokensUsed ?? 0;
        IsShared = shared;
    }

    /// <summary>Gets the provider's name.</summary>
    public string Provider { get; }

    /// <summary>Gets the request limit per minute, or <see langword="null"/> when requests are not limited.</summary>
    public int? RequestsPerMinute { get; }

    /// <summary>Gets the requests counted in the last 60 seconds, or <see langword="null"/> when requests are not limited.</summary>
    public long? RequestsUsed { get; }

    /// <summary>Gets the requests that may still be sent now (never below zero), or <see langword="null"/> when requests are not limited.</summary>
    public long? RequestsLeft => RequestsPerMinute is { } limit ? Math.Max(0, limit - (RequestsUsed ?? 0)) : null;

    /// <summary>Gets the token limit per minute, or <see langword="null"/> when tokens are not limited.</summary>
    public int? TokensPerMinute { get; }

    /// <summary>Gets the tokens counted in the last 60 seconds (estimates corrected to actual usage), or <see langword="null"/> when tokens are not limited.</summary>
    public long? TokensUsed { get; }

    /// <summary>Gets the tokens that may still be sent now (never below zero), or <see langword="null"/> when tokens are not limited.</summary>
    public long? TokensLeft => TokensPerMinute is { } limit ? Math.Max(0, limit - (TokensUsed ?? 0)) : null;

    /// <summary>Gets whether the numbers are the fleet's (read from the shared store); <see langword="false"/> for this process's own window.</summary>
    public bool IsShared { get; }

    /// <summary>Describes the headroom, e.g. <c>openai: 58/60 requests, 88000/90000 tokens left (fleet)</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        var parts = new List<string>(2);
        if (RequestsPerMinute is { } r)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{RequestsLeft}/{r} requests"));
        }

        if (TokensPerMinute is { } t)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{TokensLeft}/{t} tokens"));
        }

        return $"{Provider}: {string.Join(", ", parts)} left ({(IsShared ? "fleet" : "this process")})";
    }
}
