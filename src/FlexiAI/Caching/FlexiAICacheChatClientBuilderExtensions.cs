using FlexiAI;

namespace Microsoft.Extensions.AI;

/// <summary>Adds FlexiAI's response cache to a <see cref="ChatClientBuilder"/> (see docs/cache.md).</summary>
public static class FlexiAICacheChatClientBuilderExtensions
{
    /// <summary>
    /// Adds the response cache in front of the client built so far (normally a <see cref="FlexiAIClient"/>). The settings start from
    /// the FlexiAIClient's <c>cache</c> section (an enabled memory cache when it has none) and <paramref name="configure"/> adjusts them.
    /// With <c>cache.backend: "redis"</c> the store comes from an <see cref="IResponseCacheStoreFactory"/> in the builder's services
    /// (<c>services.AddFlexiAIRedisCache()</c> from FlexiAI.Redis); without one this fails with the fix.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts the settings, or <see langword="null"/>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static ChatClientBuilder UseFlexiAICache(this ChatClientBuilder builder, Action<ResponseCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) => FlexiAICache.Create(inner, services, configure, factory: null));
    }
}
