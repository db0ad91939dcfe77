using FsCheck;
using FsCheck.Fluent;
using Metrics.Core.Queries;
using Metrics.Core.Rollups;
using Metrics.Core.Sketches;
using static Metrics.Core.Tests.Rollups.RollupEvents;

namespace Metrics.Core.Tests.Queries;

/// <summary>The reliability answer's percentiles (<c>percentiles=50,95,99.9</c>) and each hour's exact minimum and maximum.</summary>
public sealed class ReliabilityPercentilesTests
{
    [Theory]
    [InlineData("50,95,99.9", new[] { 50, 95, 99.9 })]
    [InlineData(" 99.9 , 50", new[] { 99.9, 50 })]
    [InlineData("0,100", new[] { 0.0, 100 })]
    [InlineData("95,95,99", new[] { 95.0, 99 })]
    [InlineData("99.90", new[] { 99.9 })]
    public void Valid_lists_are_read_in_the_order_asked_once_each(string text, double[] expected)
    {
        var (percentiles, invalid) = ReliabilityPercentiles.Parse(text);

        Assert.Null(invalid);
        Assert.Equal(expected, percentiles!.Values);
    }

    [Theory]
    [InlineData("101")]
    [InlineData("-1")]
    [InlineData("1e2")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("p99")]
    [InlineData("50;95")]
    [InlineData("50,,95")]
    [InlineData("")]
    [InlineData("1,2,3,4,5,6,7,8,9,10,11")]
    public void Anything_else_is_refused_with_a_reason(string text)
    {
        var (percentiles, invalid) = ReliabilityPercentiles.Parse(text);

        Assert.Null(percentiles);
        Assert.False(string.IsNullOrWhiteSpace(invalid));
    }

    [Fact]
    public void Without_a_list_the_hours_show_p95_and_p99()
    {
        Assert.Equal([95.0, 99], ReliabilityPercentiles.Parse(null).Percentiles!.Values);
        Assert.Equal(["p95", "p99.9", "p0", "p100"], new[] { 95, 99.9, 0, 100 }.Select(ReliabilityPercentiles.NameOf));
    }

    [Fact]
    public void Each_hour_shows_the_asked_percentiles_within_one_percent_and_its_exact_minimum_and_maximum() =>
        Prop.ForAll(Batch(Request(Milliseconds, users: 10), 300).ToArbitrary(), events =>
        {
            var slices = HourRollup.Of(events).Select(c => new RollupSlice<RequestCell>(Hour, c.Key, c.Value)).Where(s => s.Key.Family == Families.Service);
            var asked = ReliabilityPercentiles.Parse("0,50,90,99.9,100").Percentiles!;

            var hour = Reliability.Build(new QueryWindow(Hour, Hour.AddHours(1)), slices, QueryFilter.None, asked).Single();

            var sorted = events.Select(e => e.DurationMs).Order().ToArray();
            Assert.Equal(sorted.FirstOrDefault(), hour.MinMs);
            Assert.Equal(sorted.LastOrDefault(), hour.MaxMs);
            foreach (var p in asked.Values)
            {
                var exact = sorted.Length == 0 ? 0 : sorted[(int)Math.Floor(p / 100 * (sorted.Length - 1))];
                var shown = hour.Percentiles[ReliabilityPercentiles.NameOf(p)];
                // Durations under the sketch's smallest tracked value count as zero and come back as the minimum.
                Assert.True(exact < QuantileSketch.MinTrackedValue ? shown == hour.MinMs || shown <= QuantileSketch.MinTrackedValue
                    : Math.Abs(shown - exact) <= exact * QuantileSketch.RelativeAccuracy * (1 + 1e-9), $"p{p}: exact {exact}, shown {shown}");
            }
        }).QuickCheckThrowOnFailure();
}
