using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using Metrics.Core.Sketches;
using Xunit.Abstractions;

namespace Metrics.Core.Tests.Sketches;

public sealed class QuantileSketchSerializationTests(ITestOutputHelper output)
{
    private const int TablePropertyLimit = 64 * 1024;

    [Fact]
    public void Round_trip_gives_identical_bytes_and_statistics() =>
        Prop.ForAll(Latencies.Batch.ToArbitrary(), values =>
        {
            var original = QuantileSketchTests.Sketch(values);
            var bytes = original.ToBytes();
            var restored = QuantileSketch.FromBytes(bytes);

            return restored.ToBytes().SequenceEqual(bytes)
                && (restored.Count, restored.Sum, restored.Min, restored.Max) == (original.Count, original.Sum, original.Min, original.Max)
                && Enumerable.Range(0, 101).All(i => restored.Quantile(i / 100.0) == original.Quantile(i / 100.0));
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Empty_sketch_serializes_to_three_bytes_and_back()
    {
        var bytes = new QuantileSketch().ToBytes();

        Assert.Equal([QuantileSketch.FormatVersion, 0, 0], bytes);
        Assert.Equal(0, QuantileSketch.FromBytes(bytes).Count);
    }

    [Fact]
    public void Realistic_latency_sketch_serializes_to_a_few_kilobytes()
    {
        var sketch = QuantileSketchTests.Sketch(Latencies.LogNormal(100_000, seed: 7));

        var size = sketch.ToBytes().Length;

        output.WriteLine($"100k log-normal values: {sketch.Buckets().Count()} buckets, {size} bytes");
        Assert.InRange(size, 1, 8 * 1024);
    }

    [Fact]
    public void Every_bucket_from_ten_microseconds_to_ten_minutes_fits_well_within_a_table_property()
    {
        var sketch = new QuantileSketch();
        var random = new Random(11);
        for (var value = 0.01; value <= 600_000; value *= 1.001)
        {
            sketch.Add(value, random.NextInt64(1, 100_000));
        }

        var size = sketch.ToBytes().Length;

        output.WriteLine($"0.01 ms to 10 min, every bucket full: {sketch.Buckets().Count()} buckets, {size} bytes");
        Assert.InRange(size, 1, TablePropertyLimit / 8);
    }

    [Fact]
    public void Unknown_format_version_is_rejected()
    {
        var bytes = QuantileSketchTests.Sketch([1, 2, 3]).ToBytes();
        bytes[0] = 2;

        var error = Assert.Throws<FormatException>(() => QuantileSketch.FromBytes(bytes));
        Assert.Contains("version 2 is not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_truncation_is_rejected()
    {
        var bytes = QuantileSketchTests.Sketch([0, 1, 2, 3, 500]).ToBytes();

        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<FormatException>(() => QuantileSketch.FromBytes(bytes.AsSpan(0, length)));
        }
    }

    [Fact]
    public void Trailing_bytes_are_rejected() =>
        Assert.Throws<FormatException>(() => QuantileSketch.FromBytes([.. QuantileSketchTests.Sketch([1]).ToBytes(), 0]));

    [Theory]
    [InlineData(new byte[] { 1, 0, 1, 0, 0 }, "count of zero")]
    [InlineData(new byte[] { 1, 0, 2, 0, 1, 0, 1 }, "not strictly ascending")]
    [InlineData(new byte[] { 1, 0, 1, 0x80, 0xF1, 0x04, 1 }, "outside the mapping")]
    [InlineData(new byte[] { 1, 0, 0xFF, 0xFF, 0x03 }, "more than the mapping has")]
    [InlineData(new byte[] { 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0 }, "64 bits")]
    public void Damaged_fields_are_rejected_with_a_reason(byte[] bytes, string reason)
    {
        var error = Assert.Throws<FormatException>(() => QuantileSketch.FromBytes(bytes));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Min_above_max_is_rejected()
    {
        var bytes = QuantileSketchTests.Sketch([1, 2]).ToBytes();
        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(bytes.Length - 16), 3);

        Assert.Throws<FormatException>(() => QuantileSketch.FromBytes(bytes));
    }

    [Fact]
    public void Arbitrary_bytes_either_decode_or_fail_with_a_format_exception() =>
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), noise =>
        {
            try
            {
                var sketch = QuantileSketch.FromBytes([QuantileSketch.FormatVersion, .. noise]);
                return sketch.ToBytes().Length > 0 && sketch.Quantile(0.5) >= 0;
            }
            catch (FormatException)
            {
                return true;
            }
        }).QuickCheckThrowOnFailure();
}
