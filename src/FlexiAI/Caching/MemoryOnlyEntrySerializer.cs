using System.Buffers;
using Microsoft.Extensions.Caching.Hybrid;

namespace FlexiAI;

/// <summary>
/// The "serializer" of a cache with no distributed store. HybridCache keeps an immutable <see cref="CachedChatResponse"/> in memory
/// as the object itself and serializes it only to learn its size (and for a distributed store, which there is none of here); the
/// memory layer counts answers (<see cref="EntryCountingMemoryCache"/>) and the cache checks <see cref="ResponseCacheOptions.MaxEntryBytes"/>
/// itself, so writing one byte saves a JSON serialization of every answer stored.
/// </summary>
internal sealed class MemoryOnlyEntrySerializer : IHybridCacheSerializer<CachedChatResponse>
{
    public static readonly MemoryOnlyEntrySerializer Instance = new();

    public CachedChatResponse Deserialize(ReadOnlySequence<byte> source) =>
        throw new InvalidOperationException("A memory-only response cache never reads entries back from bytes.");

    public void Serialize(CachedChatResponse value, IBufferWriter<byte> target)
    {
        target.GetSpan(1)[0] = 1;
        target.Advance(1);
    }
}
