using System.Buffers;
using System.Buffers.Binary;

namespace Metrics.Core.Sketches;

/// <summary>Appends the little-endian and varint fields the sketch binary formats are made of.</summary>
internal sealed class SketchWriter(int capacityHint)
{
    private const int MaxVarIntLength = 10;

    private readonly ArrayBufferWriter<byte> _buffer = new(Math.Max(capacityHint, 16));

    public void WriteByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    /// <summary>Unsigned LEB128: seven bits per byte, high bit set on every byte but the last.</summary>
    public void WriteVarUInt(ulong value)
    {
        var span = _buffer.GetSpan(MaxVarIntLength);
        var length = 0;
        while (value >= 0x80)
        {
            span[length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[length++] = (byte)value;
        _buffer.Advance(length);
    }

    /// <summary>Zigzag first, so small negative numbers stay as short as small positive ones.</summary>
    public void WriteVarInt(long value) => WriteVarUInt((ulong)((value << 1) ^ (value >> 63)));

    public void WriteDouble(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.GetSpan(sizeof(double)), value);
        _buffer.Advance(sizeof(double));
    }

    public void WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.GetSpan(sizeof(ulong)), value);
        _buffer.Advance(sizeof(ulong));
    }

    /// <summary>Hands out the next <paramref name="length"/> bytes, zeroed, for the caller to fill in place.</summary>
    public Span<byte> Reserve(int length)
    {
        var span = _buffer.GetSpan(length)[..length];
        span.Clear();
        _buffer.Advance(length);
        return span;
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}
