namespace FlexiAI;

/// <summary>Where the response cache keeps answers (<c>cache.backend</c>).</summary>
public enum CacheBackend
{
    /// <summary>In this process's memory only (HybridCache's L1). The default.</summary>
    Memory,

    /// <summary>In Redis (HybridCache's L2, shared by every instance), with a memory copy in front. Needs the <c>FlexiAI.Redis</c> package.</summary>
    Redis,
}
