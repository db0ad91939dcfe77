namespace Metrics.Core.Sketches;

/// <summary>
/// Binary format, version 1 (multi-byte numbers little-endian; varints are unsigned LEB128):
/// <code>
/// byte     format version = 1 (also pins the hash, FNV-1a/UTF-8 + Murmur3 finalizer, and precision 14)
/// byte     mode: 0 = exact, 1 = dense
/// exact:   varint n (at most ExactLimit), then n uint64 hashes in strictly ascending order
/// dense:   12,288 bytes: the 16,384 six-bit registers, four to every three bytes, lowest bits first
/// </code>
/// Sorting the hashes makes the encoding canonical, so equal sketches have equal bytes. An exact sketch costs
/// 8 bytes per item, up to 32 KiB at the limit; the dense form is always 12,290 bytes. Both fit an Azure Table
/// binary property (64 KiB).
/// </summary>
public sealed partial class DistinctCountSketch
{
    public const byte FormatVersion = 1;

    private const string SketchName = "Distinct count sketch";
    private const byte ExactMode = 0;
    private const byte DenseMode = 1;
    private const int PackedRegisterBytes = RegisterCount * 6 / 8;

    public byte[] ToBytes()
    {
        if (_hashes is { } hashes)
        {
            var writer = new SketchWriter(8 + (hashes.Count * sizeof(ulong)));
            writer.WriteByte(FormatVersion);
            writer.WriteByte(ExactMode);
            writer.WriteVarUInt((ulong)hashes.Count);
            foreach (var hash in hashes.Order())
            {
                writer.WriteUInt64(hash);
            }

            return writer.ToArray();
        }

        var dense = new SketchWriter(2 + PackedRegisterBytes);
        dense.WriteByte(FormatVersion);
        dense.WriteByte(DenseMode);
        Pack(_registers!, dense.Reserve(PackedRegisterBytes));
        return dense.ToArray();
    }

    /// <exception cref="FormatException">The bytes are not a version 1 distinct count sketch, or are damaged.</exception>
    public static DistinctCountSketch FromBytes(ReadOnlySpan<byte> bytes)
    {
        var reader = new SketchReader(bytes, SketchName);
        var version = reader.ReadByte();
        if (version != FormatVersion)
        {
            throw new FormatException(
                $"{SketchName} format version {version} is not supported; this build reads version {FormatVersion}.");
        }

        var sketch = new DistinctCountSketch();
        var mode = reader.ReadByte();
        switch (mode)
        {
            case ExactMode:
                ReadHashes(ref reader, sketch._hashes!);
                break;
            case DenseMode:
                sketch._registers = Unpack(ref reader);
                sketch._hashes = null;
                break;
            default:
                throw reader.Corrupt($"unknown mode {mode}");
        }

        reader.EnsureEnd();
        return sketch;
    }

    private static void ReadHashes(ref SketchReader reader, HashSet<ulong> hashes)
    {
        var count = reader.ReadVarUInt();
        if (count > ExactLimit)
        {
            throw reader.Corrupt($"{count} exact hashes is over the limit of {ExactLimit}");
        }

        ulong previous = 0;
        for (var i = 0; i < (int)count; i++)
        {
            var hash = reader.ReadUInt64();
            if (i > 0 && hash <= previous)
            {
                throw reader.Corrupt("hashes are not strictly ascending");
            }

            hashes.Add(hash);
            previous = hash;
        }
    }

    private static void Pack(byte[] registers, Span<byte> packed)
    {
        for (int r = 0, b = 0; r < registers.Length; r += 4, b += 3)
        {
            var word = registers[r] | (registers[r + 1] << 6) | (registers[r + 2] << 12) | (registers[r + 3] << 18);
            packed[b] = (byte)word;
            packed[b + 1] = (byte)(word >> 8);
            packed[b + 2] = (byte)(word >> 16);
        }
    }

    private static byte[] Unpack(ref SketchReader reader)
    {
        var packed = reader.ReadBytes(PackedRegisterBytes);
        var registers = new byte[RegisterCount];
        for (int r = 0, b = 0; r < registers.Length; r += 4, b += 3)
        {
            var word = packed[b] | (packed[b + 1] << 8) | (packed[b + 2] << 16);
            for (var k = 0; k < 4; k++)
            {
                var value = (byte)((word >> (6 * k)) & 0x3F);
                if (value > MaxRegisterValue)
                {
                    throw reader.Corrupt($"register {r + k} holds {value}, above the maximum of {MaxRegisterValue}");
                }

                registers[r + k] = value;
            }
        }

        return registers;
    }
}
