using Microsoft.Extensions.Caching.Distributed;

namespace FlexiAI;

/// <summary>
/// Makes the distributed store behind the response cache for a configured <see cref="ResponseCacheOptions.Backend"/>. The
/// <c>FlexiAI.Redis</c> package registers one for <see cref="CacheBackend.Redis"/> (<c>services.AddFlexiAIRedisCache()</c>), so the
/// core never depends on Redis.
/// </summary>
public interface IResponseCacheStoreFactory
{
    /// <summary>Gets the backend this factory makes stores for.</summary>
    CacheBackend Backend { get; }

    /// <summary>Creates the store for <paramref name="options"/>; the response cache disposes it when it is disposed.</summary>
    /// <param name="options">The cache settings (connection string, timeouts).</param>
    /// <returns>The store.</returns>
    IDistributedCache Create(ResponseCacheOptions options);
}
