using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.InteropServices;

namespace FlexiAI;

/// <summary>
/// Remembers the cache keys of recent requests by their canonical encoding, so a request seen again (the case a cache hit is made
/// of) skips SHA-256 and the key string's allocation. The lookup compares the whole encoding byte for byte (a process-randomized
/// hash only picks the bucket), so two different requests never share a key. Bounded: at most <see cref="MaxEntries"/> encodings
/// of up to <see cref="MaxEncodedBytes"/> bytes and <see cref="MaxTotalBytes"/> in all; when full it starts over. It lives in this
/// process's memory only.
/// </summary>
internal static class KeyMemo
{
    public const int MaxEncodedBytes = 64 * 1024;
    public const int MaxEntries = 4096;
    public const long MaxTotalBytes = 8 * 1024 * 1024;

    private static readonly ConcurrentDictionary<byte[], string> Known = new(EncodingComparer.Instance);
    private static readonly ConcurrentDictionary<byte[], string>.AlternateLookup<ReadOnlySpan<byte>> Lookup = Known.GetAlternateLookup<ReadOnlySpan<byte>>();
    private static long s_bytes;
    private static int s_count; // ConcurrentDictionary.Count takes every lock; this is close enough for a bound

    /// <summary>Gets about how many keys are remembered (tests).</summary>
    public static int Count => Volatile.Read(ref s_count);

    public static bool TryGet(ReadOnlySpan<byte> encoded, out string key) => Lookup.TryGetValue(encoded, out key!);

    public static void Add(ReadOnlySpan<byte> encoded, string key)
    {
        if (encoded.Length > MaxEncodedBytes)
        {
            return;
        }

        if (Interlocked.Increment(ref s_count) > MaxEntries || Interlocked.Add(ref s_bytes, encoded.Length) > MaxTotalBytes)
        {
            Known.Clear();
            Interlocked.Exchange(ref s_count, 1);
            Interlocked.Exchange(ref s_bytes, encoded.Length);
        }

        Lookup.TryAdd(encoded, key);
    }

    private sealed class EncodingComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly EncodingComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => Hash(obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();

        // Seeded per process: a crafted collision costs a comparison (Equals checks every byte), never a wrong key.
        private static readonly ulong Seed = (ulong)Random.Shared.NextInt64();

        /// <summary>A fast bucket hash, 8 bytes a step (HashCode.AddBytes goes 4 bytes a call and cost more than the rest of a hit).</summary>
        private static int Hash(ReadOnlySpan<byte> bytes)
        {
            var hash = Seed ^ (ulong)bytes.Length;
            var words = MemoryMarshal.Cast<byte, ulong>(bytes);
            foreach (var word in words)
            {
                hash = BitOperations.RotateLeft((hash ^ word) * 0x9E3779B97F4A7C15UL, 29);
            }

            for (var i = words.Length * sizeof(ulong); i < bytes.Length; i++)
            {
                hash = (hash ^ bytes[i]) * 0x100000001B3UL;
            }

            hash *= 0xC2B2AE3D27D4EB4FUL;
            return (int)(hash ^ (hash >> 32));
        }
    }
}
