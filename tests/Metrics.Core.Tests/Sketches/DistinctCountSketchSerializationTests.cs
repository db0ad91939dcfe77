using FsCheck;
using FsCheck.Fluent;
using Metrics.Core.Sketches;
using Xunit.Abstractions;
using static Metrics.Core.Tests.Sketches.Visitors;

namespace Metrics.Core.Tests.Sketches;

public sealed class DistinctCountSketchSerializationTests(ITestOutputHelper output)
{
    private const int DenseSize = 2 + (16_384 * 6 / 8);

    [Fact]
    public void Round_trip_gives_identical_bytes_and_estimate() =>
        Prop.ForAll(Batches(1, 12_000, 7_000), batches =>
        {
            var original = Sketch(batches[0]);
            var bytes = original.ToBytes();
            var restored = DistinctCountSketch.FromBytes(bytes);

            return restored.ToBytes().SequenceEqual(bytes)
                && restored.IsExact == original.IsExact
                && restored.Estimate() == original.Estimate();
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Dense_sketch_is_always_twelve_kilobytes_and_exact_sketch_eight_bytes_an_item()
    {
        var dense = Range(0, 1_000_000).ToBytes();
        var fullExact = Range(0, DistinctCountSketch.ExactLimit).ToBytes();

        output.WriteLine($"dense: {dense.Length} bytes, exact at the limit: {fullExact.Length} bytes");
        Assert.Equal(DenseSize, dense.Length);
        Assert.Equal(DenseSize, Range(0, DistinctCountSketch.ExactLimit + 1).ToBytes().Length);
        Assert.Equal(2 + 2 + (DistinctCountSketch.ExactLimit * 8), fullExact.Length);
        Assert.Equal([DistinctCountSketch.FormatVersion, 0, 0], new DistinctCountSketch().ToBytes());
    }

    [Fact]
    public void Unknown_format_version_is_rejected()
    {
        var bytes = Range(0, 10).ToBytes();
        bytes[0] = 7;

        var error = Assert.Throws<FormatException>(() => DistinctCountSketch.FromBytes(bytes));
        Assert.Contains("version 7 is not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_truncation_is_rejected()
    {
        foreach (var bytes in new[] { Range(0, 10).ToBytes(), Range(0, 10_000).ToBytes() })
        {
            for (var length = 0; length < bytes.Length; length += 1 + (length / 100))
            {
                Assert.Throws<FormatException>(() => DistinctCountSketch.FromBytes(bytes.AsSpan(0, length)));
            }

            Assert.Throws<FormatException>(() => DistinctCountSketch.FromBytes([.. bytes, 0]));
        }
    }

    [Fact]
    public void Unknown_mode_is_rejected()
    {
        var error = Assert.Throws<FormatException>(() => DistinctCountSketch.FromBytes([1, 2]));
        Assert.Contains("unknown mode 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsorted_or_repeated_hashes_are_rejected()
    {
        var bytes = Range(0, 2).ToBytes();
        var swapped = (byte[])bytes.Clone();
        bytes.AsSpan(3, 8).CopyTo(swapped.AsSpan(11));
        bytes.AsSpan(11, 8).CopyTo(swapped.AsSpan(3));
        var repeated = (byte[])bytes.Clone();
        bytes.AsSpan(3, 8).CopyTo(repeated.AsSpan(11));

        Assert.Throws<FormatException>(() => DistinctCountSketch.FromBytes(swapped));
        Assert.Throws<FormatException>(() => DistinctCountSketch.FromBytes(repeated));
    }

    [Fact]
    public void Exact_form_over_the_limit_is_rejected()
    {
        var error = Assert.Throws<FormatException>(() => DistinctCountSketch.FromBytes([1, 0, 0x81, 0x20]));
        Assert.Contains("over the limit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Register_above_its_maximum_is_rejected()
    {
        var bytes = Range(0, 10_000).ToBytes();
        bytes[2] |= 0x3F;

        var error = Assert.Throws<FormatException>(() => DistinctCountSketch.FromBytes(bytes));
        Assert.Contains("register 0 holds 63", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Arbitrary_bytes_either_decode_or_fail_with_a_format_exception() =>
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), Gen.Elements<byte>(0, 1).ToArbitrary(), (noise, mode) =>
        {
            try
            {
                var sketch = DistinctCountSketch.FromBytes([DistinctCountSketch.FormatVersion, mode, .. noise]);
                return sketch.Estimate() >= 0;
            }
            catch (FormatException)
            {
                return true;
            }
        }).QuickCheckThrowOnFailure();
}
