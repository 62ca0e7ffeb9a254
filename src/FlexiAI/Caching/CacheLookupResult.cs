namespace FlexiAI;

/// <summary>What the response cache did for one request (the <c>flexiai.cache.result</c> tag of <c>flexiai.cache.requests</c>).</summary>
internal enum CacheLookupResult
{
    /// <summary>Answered from the cache; no provider was called.</summary>
    Hit,

    /// <summary>Not in the cache (or refreshed): the providers answered.</summary>
    Miss,

    /// <summary>The cache was not used: bypassed by the caller, or the request is not cacheable (non-zero temperature, server-side conversation).</summary>
    Bypass,

    /// <summary>The distributed store (Redis) failed or timed out; the request went on without it.</summary>
    StoreError,
}
