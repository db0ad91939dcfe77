namespace Metrics.Core.Sketches;

/// <summary>
/// Binary format, version 1 (all multi-byte numbers little-endian; varints are unsigned LEB128):
/// <code>
/// byte     format version = 1 (also pins the mapping: a = 0.01, zero bucket below 1e-9)
/// varint   zero-bucket count
/// varint   B = number of non-empty buckets
/// B times, in ascending index order:
///   varint   first bucket: zigzag(index); later buckets: index - previous index (at least 1)
///   varint   bucket count (at least 1)
/// only if the total count is non-zero:
///   float64  Sum, float64 Min, float64 Max
/// </code>
/// Neighbouring buckets make most steps a single byte, so a bucket costs two to four bytes and a realistic
/// latency sketch stays at a few KiB, far below the 64 KiB of an Azure Table binary property. Count is not
/// stored: it is the sum of the bucket counts, which leaves one less way to disagree with itself.
/// The encoding is canonical, so equal sketches have equal bytes.
/// </summary>
public sealed partial class QuantileSketch
{
    public const byte FormatVersion = 1;

    private const string SketchName = "Quantile sketch";

    public byte[] ToBytes()
    {
        var buckets = Buckets().ToList();
        var writer = new SketchWriter(64 + (buckets.Count * 4));
        writer.WriteByte(FormatVersion);
        writer.WriteVarUInt((ulong)ZeroCount);
        writer.WriteVarUInt((ulong)buckets.Count);
        int? previous = null;
        foreach (var (index, count) in buckets)
        {
            if (previous is int last)
            {
                writer.WriteVarUInt((ulong)(index - last));
            }
            else
            {
                writer.WriteVarInt(index);
            }

            writer.WriteVarUInt((ulong)count);
            previous = index;
        }

        if (Count > 0)
        {
            writer.WriteDouble(Sum);
            writer.WriteDouble(_min);
            writer.WriteDouble(_max);
        }

        return writer.ToArray();
    }

    /// <exception cref="FormatException">The bytes are not a version 1 quantile sketch, or are damaged.</exception>
    public static QuantileSketch FromBytes(ReadOnlySpan<byte> bytes)
    {
        var reader = new SketchReader(bytes, SketchName);
        var version = reader.ReadByte();
        if (version != FormatVersion)
        {
            throw new FormatException(
                $"{SketchName} format version {version} is not supported; this build reads version {FormatVersion}.");
        }

        var sketch = new QuantileSketch();
        var total = ReadCount(ref reader, totalSoFar: 0);
        sketch.ZeroCount = total;

        var bucketCount = reader.ReadVarUInt();
        if (bucketCount > (ulong)(LogarithmicBuckets.MaxIndex - LogarithmicBuckets.MinIndex + 1))
        {
            throw reader.Corrupt($"{bucketCount} buckets is more than the mapping has");
        }

        var indexes = new int[(int)bucketCount];
        var counts = new long[(int)bucketCount];
        for (var i = 0; i < indexes.Length; i++)
        {
            indexes[i] = i == 0 ? ReadFirstIndex(ref reader) : ReadNextIndex(ref reader, indexes[i - 1]);
            counts[i] = ReadCount(ref reader, total);
            if (counts[i] == 0)
            {
                throw reader.Corrupt("a bucket has a count of zero");
            }

            total += counts[i];
        }

        if (indexes.Length > 0)
        {
            sketch.Cover(indexes[0], indexes[^1]);
            for (var i = 0; i < indexes.Length; i++)
            {
                sketch._counts[indexes[i] - sketch._firstIndex] = counts[i];
            }
        }

        if (total > 0)
        {
            ReadSummary(ref reader, sketch, total);
        }

        reader.EnsureEnd();
        return sketch;
    }

    private static long ReadCount(ref SketchReader reader, long totalSoFar)
    {
        var count = reader.ReadVarUInt();
        if (count > (ulong)(long.MaxValue - totalSoFar))
        {
            throw reader.Corrupt("the counts add up to more than a 64-bit count holds");
        }

        return (long)count;
    }

    private static int ReadFirstIndex(ref SketchReader reader)
    {
        var index = reader.ReadVarInt();
        if (index < LogarithmicBuckets.MinIndex || index > LogarithmicBuckets.MaxIndex)
        {
            throw reader.Corrupt($"bucket index {index} is outside the mapping");
        }

        return (int)index;
    }

    private static int ReadNextIndex(ref SketchReader reader, int previous)
    {
        var step = reader.ReadVarUInt();
        if (step == 0)
        {
            throw reader.Corrupt("bucket indexes are not strictly ascending");
        }

        if (step > (ulong)(LogarithmicBuckets.MaxIndex - previous))
        {
            throw reader.Corrupt("a bucket index is outside the mapping");
        }

        return previous + (int)step;
    }

    private static void ReadSummary(ref SketchReader reader, QuantileSketch sketch, long total)
    {
        var sum = reader.ReadDouble();
        var min = reader.ReadDouble();
        var max = reader.ReadDouble();

        // Sum may legitimately overflow to +infinity for absurd inputs; NaN or a negative sum cannot happen.
        if (double.IsNaN(sum) || double.IsNegative(sum))
        {
            throw reader.Corrupt($"sum {sum} is not a non-negative number");
        }

        if (!double.IsFinite(min) || !double.IsFinite(max) || double.IsNegative(min) || min > max)
        {
            throw reader.Corrupt($"min {min} and max {max} do not describe a range of non-negative values");
        }

        sketch.Count = total;
        sketch.Sum = sum;
        sketch._min = min;
        sketch._max = max;
    }
}
