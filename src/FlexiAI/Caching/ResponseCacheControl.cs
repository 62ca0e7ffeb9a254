namespace FlexiAI;

/// <summary>
/// The <see cref="Microsoft.Extensions.AI.ChatOptions.AdditionalProperties"/> keys that control the response cache for one request
/// (see docs/cache.md). None of them is part of the cache key.
/// </summary>
public static class ResponseCacheControl
{
    /// <summary><c>true</c>: neither read nor write the cache for this request.</summary>
    public const string BypassKey = "flexiai.cache.bypass";

    /// <summary><c>true</c>: skip the read, ask the providers, and store the fresh answer (replacing the cached one).</summary>
    public const string RefreshKey = "flexiai.cache.refresh";

    /// <summary>A <see cref="TimeSpan"/> (or seconds as a number or string): how long this request's answer stays cached.</summary>
    public const string TtlKey = "flexiai.cache.ttl";

    /// <summary>A string or a list of strings: tags stored with the answer, for <see cref="ResponseCachingChatClient.InvalidateTagAsync"/>.</summary>
    public const string TagsKey = "flexiai.cache.tags";

    /// <summary><c>true</c>: cache this request even though its temperature is not zero (overrides <see cref="ResponseCacheOptions.CacheNondeterministic"/>).</summary>
    public const string NondeterministicKey = "flexiai.cache.nondeterministic";
}
