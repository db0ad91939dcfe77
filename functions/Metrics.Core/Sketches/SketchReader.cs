using System.Buffers.Binary;

namespace Metrics.Core.Sketches;

/// <summary>
/// Reads the fields <see cref="SketchWriter"/> writes. Every way the input can run short or go wrong ends in a
/// <see cref="FormatException"/> naming the sketch, because these bytes come back from storage and a corrupt row
/// must fail loudly rather than turn into a wrong number on a dashboard.
/// </summary>
internal ref struct SketchReader
{
    private const int MaxVarIntLength = 10;

    private readonly string _sketchName;
    private ReadOnlySpan<byte> _rest;

    public SketchReader(ReadOnlySpan<byte> bytes, string sketchName)
    {
        _rest = bytes;
        _sketchName = sketchName;
    }

    public readonly int Remaining => _rest.Length;

    public byte ReadByte() => Take(1, "a byte")[0];

    public ulong ReadVarUInt()
    {
        ulong value = 0;
        for (var i = 0; i < MaxVarIntLength; i++)
        {
            var b = Take(1, "a varint")[0];
            if (i == MaxVarIntLength - 1 && b > 1)
            {
                throw Corrupt("a varint does not fit in 64 bits");
            }

            value |= (ulong)(b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                return value;
            }
        }

        throw Corrupt("a varint does not fit in 64 bits");
    }

    public long ReadVarInt()
    {
        var zigzag = ReadVarUInt();
        return (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
    }

    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(sizeof(double), "a double"));

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(sizeof(ulong), "a 64-bit integer"));

    public ReadOnlySpan<byte> ReadBytes(int length) => Take(length, $"{length} bytes");

    public readonly void EnsureEnd()
    {
        if (!_rest.IsEmpty)
        {
            throw Corrupt($"{_rest.Length} unexpected trailing bytes");
        }
    }

    public readonly FormatException Corrupt(string detail) =>
        new($"{_sketchName} bytes are corrupt: {detail}.");

    private ReadOnlySpan<byte> Take(int length, string what)
    {
        if (_rest.Length < length)
        {
            throw Corrupt($"input ends while reading {what}");
        }

        var taken = _rest[..length];
        _rest = _rest[length..];
        return taken;
    }
}
