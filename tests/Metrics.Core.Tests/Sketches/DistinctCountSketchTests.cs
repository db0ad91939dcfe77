using FsCheck;
using FsCheck.Fluent;
using Metrics.Core.Sketches;
using Xunit.Abstractions;
using static Metrics.Core.Tests.Sketches.Visitors;

namespace Metrics.Core.Tests.Sketches;

public sealed class DistinctCountSketchTests(ITestOutputHelper output)
{
    private const double AllowedError = 0.02;

    [Fact]
    public void Count_is_exact_up_to_the_exact_limit() =>
        Prop.ForAll(Batches(1, DistinctCountSketch.ExactLimit, 2 * DistinctCountSketch.ExactLimit), batches =>
        {
            var sketch = Sketch(batches[0]);
            return sketch.IsExact && sketch.Estimate() == batches[0].Distinct().Count();
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Merge_of_exact_sketches_is_the_exact_count_of_the_union() =>
        Prop.ForAll(Batches(2, DistinctCountSketch.ExactLimit, DistinctCountSketch.ExactLimit), batches =>
        {
            var merged = Merged(Sketch(batches[0]), Sketch(batches[1]));
            return merged.IsExact && merged.Estimate() == batches[0].Union(batches[1]).Count();
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Merge_is_commutative_associative_and_equal_to_the_sketch_of_the_union() =>
        Prop.ForAll(Batches(3, 12_000, 7_000), batches =>
        {
            var (a, b, c) = (batches[0], batches[1], batches[2]);
            var union = Sketch(a.Concat(b).Concat(c)).ToBytes();

            // Exact and dense inputs mix here: the pool size decides which side of the exact limit each one is on.
            return Merged(Sketch(a), Sketch(b)).ToBytes().SequenceEqual(Merged(Sketch(b), Sketch(a)).ToBytes())
                && Merged(Merged(Sketch(a), Sketch(b)), Sketch(c)).ToBytes().SequenceEqual(union)
                && Merged(Sketch(a), Merged(Sketch(b), Sketch(c))).ToBytes().SequenceEqual(union)
                && Merged(Merged(Sketch(c), Sketch(a)), Sketch(b)).ToBytes().SequenceEqual(union);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Sketch_turns_dense_one_item_past_the_exact_limit()
    {
        var atLimit = Range(0, DistinctCountSketch.ExactLimit);
        var pastLimit = Range(0, DistinctCountSketch.ExactLimit + 1);

        Assert.True(atLimit.IsExact);
        Assert.Equal(DistinctCountSketch.ExactLimit, atLimit.Estimate());
        Assert.False(pastLimit.IsExact);
        Assert.InRange(pastLimit.Estimate(), (DistinctCountSketch.ExactLimit + 1) * (1 - AllowedError), (DistinctCountSketch.ExactLimit + 1) * (1 + AllowedError));
    }

    [Theory]
    [InlineData(5_000)]
    [InlineData(10_000)]
    [InlineData(100_000)]
    [InlineData(1_000_000)]
    public void Estimate_is_within_two_percent_for_large_counts(int distinct)
    {
        // Every item twice: repeats must not move a dense estimate either.
        var sketch = Range(0, distinct);
        sketch.Merge(Range(0, distinct));

        var error = (sketch.Estimate() - distinct) / (double)distinct;

        output.WriteLine($"{distinct:N0} distinct: estimate {sketch.Estimate():N0}, error {error:P3}");
        Assert.InRange(Math.Abs(error), 0, AllowedError);
    }

    [Fact]
    public void Merge_of_dense_sketches_equals_the_sketch_of_the_union()
    {
        var merged = Range(0, 300_000);
        merged.Merge(Range(250_000, 300_000));
        merged.Merge(Range(500_000, 100_000));
        var union = Range(0, 600_000);

        Assert.Equal(union.ToBytes(), merged.ToBytes());
        Assert.Equal(union.Estimate(), merged.Estimate());
        Assert.InRange(Math.Abs(merged.Estimate() - 600_000) / 600_000.0, 0, AllowedError);
    }

    [Fact]
    public void Merging_a_sketch_into_itself_changes_nothing()
    {
        foreach (var sketch in new[] { Range(0, 100), Range(0, 10_000) })
        {
            var before = sketch.ToBytes();
            sketch.Merge(sketch);
            Assert.Equal(before, sketch.ToBytes());
        }
    }

    [Fact]
    public void Empty_sketch_counts_zero() =>
        Assert.Equal(0, new DistinctCountSketch().Estimate());

    [Fact]
    public void Null_items_are_rejected() =>
        Assert.Throws<ArgumentNullException>(() => new DistinctCountSketch().Add(null!));

    [Theory]
    [InlineData("", 0xEFD01F60BA992926)]
    [InlineData("a", 0x82A2A958A9BECE5B)]
    [InlineData("visitor-42", 0xD87A7BC38C46BBDF)]
    [InlineData("héllo 🌍", 0xF5170341C64977BA)]
    [InlineData("\uFFFD", 0xCF0B301FE2A776CD)]
    public void Item_hash_never_changes(string item, ulong expected) =>
        // Stored sketches hold these hashes; the expected values come from an independent implementation of
        // FNV-1a 64 over UTF-8 followed by the Murmur3 finalizer.
        Assert.Equal(expected, DistinctItemHash.Of(item));

    [Fact]
    public void Lone_surrogates_hash_like_the_replacement_character() =>
        // Built at run time: attribute arguments are stored as UTF-8 and cannot carry a lone surrogate.
        Assert.Equal(DistinctItemHash.Of("\uFFFD"), DistinctItemHash.Of(new string('\uD800', 1)));
}
