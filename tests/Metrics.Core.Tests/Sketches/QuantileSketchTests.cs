using FsCheck;
using FsCheck.Fluent;
using Metrics.Core.Sketches;
using Xunit.Abstractions;

namespace Metrics.Core.Tests.Sketches;

// Test names are behaviour sentences (the project's style); CA1707 is meant for public library APIs.
public sealed class QuantileSketchTests(ITestOutputHelper output)
{
    private static readonly double[] CheckedQuantiles = [0, 0.5, 0.95, 0.99, 1];

    // The guarantee is exactly 1%; the slack only absorbs floating-point rounding in log and exp.
    private const double Tolerance = QuantileSketch.RelativeAccuracy * (1 + 1e-9);

    [Fact]
    public void Merge_is_commutative_and_associative() =>
        Prop.ForAll(Latencies.Batches(3), batches =>
        {
            var (a, b, c) = (batches[0], batches[1], batches[2]);
            var left = Merged(Merged(Sketch(a), Sketch(b)), Sketch(c));
            var right = Merged(Sketch(a), Merged(Sketch(b), Sketch(c)));
            var swapped = Merged(Sketch(c), Merged(Sketch(b), Sketch(a)));

            // Double addition is commutative, so swapping operands gives identical bytes; regrouping may move Sum
            // by a rounding error, so associativity is checked on everything else exactly and on Sum closely.
            return Merged(Sketch(a), Sketch(b)).ToBytes().SequenceEqual(Merged(Sketch(b), Sketch(a)).ToBytes())
                && SameBuckets(left, right) && SameBuckets(left, swapped)
                && CloseSums(left, right) && CloseSums(left, swapped);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Quantile_of_merged_sketches_is_within_one_percent_of_the_exact_quantile_of_the_union()
    {
        var worst = 0.0;
        Prop.ForAll(Latencies.Batches(3), batches =>
        {
            var merged = batches.Select(Sketch).Aggregate(new QuantileSketch(), Merged);
            var union = batches.SelectMany(batch => batch).Order().ToArray();
            return union.Length == 0 || CheckedQuantiles.All(q =>
            {
                var error = Latencies.RelativeError(merged.Quantile(q), Latencies.ExactQuantile(union, q));
                worst = Math.Max(worst, error);
                return error <= Tolerance;
            });
        }).QuickCheckThrowOnFailure();

        output.WriteLine($"Worst relative quantile error over generated merges: {worst:P4}");
    }

    [Fact]
    public void Quantiles_of_a_realistic_latency_sample_are_within_one_percent()
    {
        var values = Latencies.LogNormal(100_000, seed: 7);
        var sketch = Sketch(values);
        var sorted = values.Order().ToArray();
        var quantiles = Enumerable.Range(0, 1001).Select(i => i / 1000.0);

        var worst = quantiles.Max(q =>
            Latencies.RelativeError(sketch.Quantile(q), Latencies.ExactQuantile(sorted, q)));

        output.WriteLine($"100k log-normal values: worst relative error {worst:P4} over q = 0, 0.001 .. 1");
        Assert.InRange(worst, 0, Tolerance);
    }

    [Fact]
    public void Count_sum_min_and_max_are_exact() =>
        Prop.ForAll(Latencies.Batch.ToArbitrary(), values =>
        {
            var sketch = Sketch(values);
            var sum = 0.0;
            foreach (var value in values)
            {
                sum += value;
            }

            return sketch.Count == values.Length
                && sketch.Sum == sum
                && sketch.Min == (values.Length == 0 ? 0 : values.Min())
                && sketch.Max == (values.Length == 0 ? 0 : values.Max())
                && sketch.Average == (values.Length == 0 ? 0 : sum / values.Length);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Adding_a_value_with_a_count_equals_adding_it_that_many_times() =>
        Prop.ForAll(Latencies.Value.ToArbitrary(), Gen.Choose(0, 50).ToArbitrary(), (value, count) =>
        {
            var weighted = new QuantileSketch();
            weighted.Add(value, count);
            var repeated = Sketch(Enumerable.Repeat(value, count));
            return SameBuckets(weighted, repeated) && CloseSums(weighted, repeated);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Empty_sketch_reports_zero_for_every_statistic()
    {
        var sketch = new QuantileSketch();

        Assert.Equal(0, sketch.Count);
        Assert.Equal([0.0, 0, 0, 0, 0, 0], [sketch.Sum, sketch.Min, sketch.Max, sketch.Average, sketch.Quantile(0.5), sketch.Quantile(1)]);
    }

    [Fact]
    public void Values_below_the_tracked_minimum_count_as_zero_and_report_as_the_exact_min()
    {
        var sketch = Sketch([1e-12, 5e-10, 3, 4]);

        Assert.Equal(1e-12, sketch.Quantile(0));
        Assert.Equal(1e-12, sketch.Quantile(0.34));
        Assert.Equal(3, sketch.Quantile(0.67), 3 * QuantileSketch.RelativeAccuracy);
        Assert.Equal(1e-12 + 5e-10 + 3 + 4, sketch.Sum);
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(-double.Epsilon)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Negative_NaN_and_infinite_values_are_rejected(double value)
    {
        var sketch = new QuantileSketch();

        Assert.Throws<ArgumentOutOfRangeException>(() => sketch.Add(value));
        Assert.Equal(0, sketch.Count);
    }

    [Fact]
    public void Negative_zero_is_recorded_as_zero() =>
        Assert.False(double.IsNegative(Sketch([-0.0]).Min));

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void Quantiles_outside_zero_to_one_are_rejected(double q) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Sketch([1, 2, 3]).Quantile(q));

    [Fact]
    public void Extreme_values_keep_their_exact_extremes()
    {
        var sketch = Sketch([double.Epsilon, QuantileSketch.MinTrackedValue, 1, double.MaxValue]);

        Assert.Equal(double.Epsilon, sketch.Quantile(0));
        Assert.Equal(double.MaxValue, sketch.Quantile(1));
        Assert.Equal(QuantileSketch.MinTrackedValue, sketch.Quantile(0.34), QuantileSketch.MinTrackedValue * Tolerance);
    }

    internal static QuantileSketch Sketch(IEnumerable<double> values)
    {
        var sketch = new QuantileSketch();
        foreach (var value in values)
        {
            sketch.Add(value);
        }

        return sketch;
    }

    private static QuantileSketch Merged(QuantileSketch into, QuantileSketch from)
    {
        into.Merge(from);
        return into;
    }

    private static bool SameBuckets(QuantileSketch a, QuantileSketch b) =>
        a.Count == b.Count && a.Min == b.Min && a.Max == b.Max && a.ZeroCount == b.ZeroCount
        && a.Buckets().SequenceEqual(b.Buckets());

    private static bool CloseSums(QuantileSketch a, QuantileSketch b) =>
        Math.Abs(a.Sum - b.Sum) <= 1e-12 * Math.Max(a.Sum, b.Sum);
}
