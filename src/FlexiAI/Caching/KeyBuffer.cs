using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace FlexiAI;

/// <summary>
/// The growable byte buffer the cache key's canonical encoding is written into before it is hashed (one per thread, reused):
/// raw length-prefixed fields, and JSON blocks from a <see cref="System.Text.Json.Utf8JsonWriter"/> whose length is filled in
/// once written.
/// </summary>
internal sealed class KeyBuffer : IBufferWriter<byte>
{
    private const int InitialSize = 4096;
    private const int KeptSize = 256 * 1024; // a larger buffer (a huge request) is not kept for the next one

    private byte[] _buffer = new byte[InitialSize];
    private int _written;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    public void Clear() => _written = 0;

    public void TrimIfLarge()
    {
        if (_buffer.Length > KeptSize)
        {
            _buffer = new byte[InitialSize];
            _written = 0;
        }
    }

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    public void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[_written++] = value;
    }

    public void WriteInt32(int value)
    {
        Ensure(sizeof(int));
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(_written), value);
        _written += sizeof(int);
    }

    /// <summary>Writes <paramref name="text"/> as its UTF-8 byte length and bytes (one pass).</summary>
    public void WriteText(string text)
    {
        var at = BeginBlock();
        WriteUtf8(text);
        EndBlock(at);
    }

    /// <summary>Writes <paramref name="text"/>'s UTF-8 bytes (no length); invalid UTF-16 becomes U+FFFD, as in <see cref="Encoding.UTF8"/>.</summary>
    public void WriteUtf8(string text)
    {
        if (text.Length == 0)
        {
            return;
        }

        Ensure(text.Length * 3);
        Utf8.FromUtf16(text, _buffer.AsSpan(_written), out _, out var written);
        _written += written;
    }

    /// <summary>Reserves a block's length; returns where it is, for <see cref="EndBlock"/>.</summary>
    public int BeginBlock()
    {
        var at = _written;
        WriteInt32(0);
        return at;
    }

    /// <summary>Fills in the length of the block begun at <paramref name="at"/>.</summary>
    public void EndBlock(int at) => BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(at), _written - at - sizeof(int));

    private void Ensure(int size)
    {
        size = Math.Max(size, 1);
        if (_buffer.Length - _written < size)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _written + size));
        }
    }
}
