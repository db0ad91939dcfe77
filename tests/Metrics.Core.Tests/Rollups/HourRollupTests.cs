using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using Metrics.Core.Ingestion;
using Metrics.Core.Rollups;
using Metrics.Core.Sketches;
using static Metrics.Core.Tests.Rollups.RollupEvents;

namespace Metrics.Core.Tests.Rollups;

public sealed class HourRollupTests
{
    /// <summary>Bytes of a non-empty quantile sketch are [buckets…][Sum][Min][Max], each float64 (QuantileSketch.Serialization).</summary>
    private const int SumMinMaxBytes = 3 * sizeof(double);

    [Fact]
    public void Rollup_of_a_union_equals_the_merge_of_the_rollups() =>
        Prop.ForAll(Batch(Request(Milliseconds, users: 50), 200).Two().ToArbitrary(), sets =>
        {
            var (a, b) = sets;
            var union = HourRollup.Of(a.Concat(b));
            AssertSameCells(union, MergedRequests(HourRollup.Of(a), HourRollup.Of(b)), exactSums: false);
            // Events arrive in any order: the rollup of the union the other way round is the same too.
            AssertSameCells(union, HourRollup.Of(b.Concat(a).Reverse()), exactSums: false);
            return true;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Rollup_of_a_union_equals_the_merge_of_the_rollups_byte_for_byte_when_sums_are_exact() =>
        Prop.ForAll(Batch(Request(DyadicMilliseconds, users: 50), 150).Three().ToArbitrary(), sets =>
        {
            var (a, b, c) = sets;
            var union = HourRollup.Of(a.Concat(b).Concat(c));
            AssertSameCells(union, MergedRequests(HourRollup.Of(a), HourRollup.Of(b), HourRollup.Of(c)), exactSums: true);
            AssertSameCells(union, MergedRequests(HourRollup.Of(c), MergedRequests(HourRollup.Of(b), HourRollup.Of(a))), exactSums: true);
            return true;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Rollup_of_a_union_equals_the_merge_of_the_rollups_past_the_exact_distinct_limit() =>
        // Few, large cases: each side stays exact while the union of users goes dense, so merging mixes both forms.
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(4), Prop.ForAll(
            Gen.Choose(2_500, 3_500).SelectMany(n => Request(DyadicMilliseconds, users: 100_000).ArrayOf(n)).Two().ToArbitrary(), sets =>
            {
                var (a, b) = sets;
                var union = HourRollup.Of(a.Concat(b));
                var total = Total(union.Where(c => c.Key.Family == Families.Service).Select(c => c.Value));
                Assert.False(total.Users.IsExact);
                AssertSameCells(union, MergedRequests(HourRollup.Of(a), HourRollup.Of(b)), exactSums: true);
                return true;
            }));

    [Fact]
    public void Every_request_family_adds_up_to_the_exact_totals_of_the_events() =>
        Prop.ForAll(Batch(Request(Milliseconds, users: 80), 400).ToArbitrary(), events =>
        {
            var cells = HourRollup.Of(events);
            var totals = Families.RequestFamilies.ToDictionary(f => f, f => Total(cells.Where(c => c.Key.Family == f).Select(c => c.Value)));
            Assert.Equal((events.Length == 0 ? [] : Families.RequestFamilies).Order(), cells.Keys.Select(k => k.Family).Distinct().Order());
            foreach (var (family, total) in totals)
            {
                var what = $"family {family}";
                Assert.True(events.Length == total.Requests, $"{what}: requests");
                Assert.True(events.Count(e => e.Status is >= 400 and < 500) == total.ClientErrors, $"{what}: client errors");
                Assert.True(events.Count(e => e.Status >= 500) == total.ServerErrors, $"{what}: server errors");
                Assert.True(events.Sum(e => Micros(e.DurationMs)) == total.DurationMicros, $"{what}: duration micros");
                Assert.True(events.Sum(e => Micros(e.CpuMs)) == total.CpuMicros, $"{what}: cpu micros");
                Assert.True(events.Sum(e => Micros(e.GpuMs)) == total.GpuMicros, $"{what}: gpu micros");
                Assert.True(events.Sum(e => e.Units) == total.Units, $"{what}: units");
                Assert.Equal(events.GroupBy(e => e.Model ?? "").Select(g => (g.Key, g.Sum(e => e.Units))).Where(m => m.Item2 != 0).Order(),
                    total.UnitsByModel.Select(m => (m.Key, m.Value)).Order());
                Assert.True(events.Count(e => e.Invocation == Invocation.Async) == total.AsyncRequests, $"{what}: async");
                Assert.True(events.Count(e => e.Invocation == Invocation.Sync) == total.SyncRequests, $"{what}: sync");
                Assert.True(events.Select(e => e.UserId).OfType<string>().Distinct().Count() == total.Users.Estimate(), $"{what}: users");
                Assert.True((events.Length == 0 ? default : events.Max(e => e.Timestamp)) == total.LastEventAt, $"{what}: last event");
                Assert.True(events.Length == total.Durations.Count, $"{what}: durations counted");
                Assert.True((events.Length == 0 ? 0 : events.Max(e => e.DurationMs)) == total.Durations.Max, $"{what}: slowest");
                AssertSameCell(totals[Families.Service], total, what, exactSums: false);
            }
            return true;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Each_event_lands_in_exactly_one_row_of_every_request_family() =>
        Prop.ForAll(Batch(Request(Milliseconds, users: 20), 200).ToArbitrary(), events =>
        {
            var cells = HourRollup.Of(events);
            foreach (var family in Families.RequestFamilies)
            {
                var rows = cells.Where(c => c.Key.Family == family).ToList();
                Assert.Equal(events.Length, rows.Sum(r => r.Value.Requests));
                Assert.All(rows, r => Assert.True(r.Value.Requests > 0));
            }
            // Absent values group together under the empty string rather than being dropped.
            var withoutUser = events.Count(e => e.UserId is null);
            Assert.Equal(withoutUser, cells.Where(c => c.Key.Family == Families.User && c.Key.Value(1).Length == 0).Sum(c => c.Value.Requests));
            return true;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Usage_rollup_of_a_union_equals_the_merge_of_the_rollups() =>
        Prop.ForAll(Batch(Usage(visitors: 60), 300).Two().ToArbitrary(), sets =>
        {
            var (a, b) = sets;
            var union = HourRollup.Of(a.Concat(b));
            var merged = HourRollup.Merge(HourRollup.Of(a).Concat(HourRollup.Of(b)), static (total, cell) => total.Merge(cell));
            Assert.True(union.Keys.ToHashSet().SetEquals(merged.Keys), "the same rows");
            foreach (var (key, cell) in union) AssertSameCell(cell, merged[key], key.ToString());
            return true;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Usage_families_add_up_to_the_events_and_the_page_views() =>
        Prop.ForAll(Batch(Usage(visitors: 40), 300).ToArbitrary(), events =>
        {
            var cells = HourRollup.Of(events);
            var byType = cells.Where(c => c.Key.Family == Families.EventType).ToList();
            var pages = Total(cells.Where(c => c.Key.Family == Families.Page).Select(c => c.Value));
            var all = Total(byType.Select(c => c.Value));
            var pageViewsByType = Total(byType.Where(c => c.Key.Value(1) == UsageEventTypes.PageView).Select(c => c.Value));
            var views = events.Where(e => e.Type == UsageEventTypes.PageView).ToList();

            Assert.Equal(events.Length, all.Events);
            Assert.Equal(events.Select(e => e.VisitorId).Distinct().Count(), all.Visitors.Estimate());
            Assert.Equal(events.Select(e => e.UserId).OfType<string>().Distinct().Count(), all.Users.Estimate());
            Assert.Equal(views.Count, pages.Events);
            Assert.Equal(views.Select(e => e.VisitorId).Distinct().Count(), pages.Visitors.Estimate());
            AssertSameCell(pageViewsByType, pages, "page views by type and by page");
            Assert.Equal(events.Count(e => e.IsAnonymous), byType.Where(c => c.Key.Value(2) == "anonymous").Sum(c => c.Value.Events));
            return true;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Merging_rollups_is_commutative_and_associative() =>
        Prop.ForAll(Batch(Request(DyadicMilliseconds, users: 30), 150).Three().ToArbitrary(), sets =>
        {
            var (a, b, c) = (HourRollup.Of(sets.Item1), HourRollup.Of(sets.Item2), HourRollup.Of(sets.Item3));
            AssertSameCells(MergedRequests(MergedRequests(a, b), c), MergedRequests(a, MergedRequests(b, c)), exactSums: true);
            AssertSameCells(MergedRequests(a, b), MergedRequests(b, a), exactSums: true);
            return true;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Durations_sum_as_whole_microseconds_rounded_half_away_from_zero()
    {
        // 1/16 ms and 3/16 ms are exact doubles that fall exactly on half a microsecond.
        var cells = HourRollup.Of([Event(0.0625, cpu: 0.1875, gpu: 7.25), Event(0.0004, cpu: 12.3456, gpu: 0)]);

        Assert.All(Families.RequestFamilies, family =>
        {
            var total = Total(cells.Where(c => c.Key.Family == family).Select(c => c.Value));
            Assert.Equal(63 + 0, total.DurationMicros);
            Assert.Equal(188 + 12_346, total.CpuMicros);
            Assert.Equal(7_250, total.GpuMicros);
            Assert.Equal(63 / 1000.0 / 2, total.AverageMs);
            Assert.Equal(12.534, total.CpuMs);
        });
    }

    private static RequestEvent Event(double durationMs, double cpu, double gpu) =>
        new("e", "orders-api", Hour, "/api/orders", "GET", 200, durationMs, null, null, null, Invocation.Sync, null, 0, cpu, gpu);

    private static long Micros(double milliseconds) => (long)Math.Round(milliseconds * 1000, MidpointRounding.AwayFromZero);

    private static Dictionary<RollupKey, RequestCell> MergedRequests(params Dictionary<RollupKey, RequestCell>[] rollups) =>
        HourRollup.Merge(rollups.SelectMany(r => r), static (total, cell) => total.Merge(cell));

    private static RequestCell Total(IEnumerable<RequestCell> cells)
    {
        var total = new RequestCell();
        foreach (var cell in cells) total.Merge(cell);
        return total;
    }

    private static UsageCell Total(IEnumerable<UsageCell> cells)
    {
        var total = new UsageCell();
        foreach (var cell in cells) total.Merge(cell);
        return total;
    }

    private static void AssertSameCells(Dictionary<RollupKey, RequestCell> expected, Dictionary<RollupKey, RequestCell> actual, bool exactSums)
    {
        Assert.True(expected.Keys.ToHashSet().SetEquals(actual.Keys), "the same rows");
        foreach (var (key, cell) in expected) AssertSameCell(cell, actual[key], key.ToString(), exactSums);
    }

    /// <summary>
    /// Every exact field equal, and the sketches' bytes equal. A quantile sketch's Sum is a double, so adding values in
    /// a different grouping may move its last bits (QuantileSketch documents this); unless the sums are exact by
    /// construction, its eight bytes are compared to within rounding and every other byte exactly.
    /// </summary>
    private static void AssertSameCell(RequestCell expected, RequestCell actual, string what, bool exactSums)
    {
        Assert.True(expected.Requests == actual.Requests, $"{what}: requests");
        Assert.True(expected.ClientErrors == actual.ClientErrors, $"{what}: client errors");
        Assert.True(expected.ServerErrors == actual.ServerErrors, $"{what}: server errors");
        Assert.True(expected.DurationMicros == actual.DurationMicros, $"{what}: duration micros");
        Assert.True(expected.Units == actual.Units, $"{what}: units");
        Assert.True(expected.UnitsByModel.SequenceEqual(actual.UnitsByModel), $"{what}: units by model");
        Assert.True(expected.CpuMicros == actual.CpuMicros, $"{what}: cpu micros");
        Assert.True(expected.GpuMicros == actual.GpuMicros, $"{what}: gpu micros");
        Assert.True(expected.SyncRequests == actual.SyncRequests, $"{what}: sync");
        Assert.True(expected.AsyncRequests == actual.AsyncRequests, $"{what}: async");
        Assert.True(expected.LastEventAt == actual.LastEventAt, $"{what}: last event");
        Assert.True(expected.Users.ToBytes().AsSpan().SequenceEqual(actual.Users.ToBytes()), $"{what}: users sketch bytes");

        var (expectedBytes, actualBytes) = (expected.Durations.ToBytes(), actual.Durations.ToBytes());
        if (exactSums || expected.Durations.Count == 0)
        {
            Assert.True(expectedBytes.AsSpan().SequenceEqual(actualBytes), $"{what}: durations sketch bytes");
            return;
        }
        Assert.True(expectedBytes.Length == actualBytes.Length, $"{what}: durations sketch length");
        Assert.True(expectedBytes.AsSpan(0, expectedBytes.Length - SumMinMaxBytes).SequenceEqual(actualBytes.AsSpan(0, actualBytes.Length - SumMinMaxBytes)),
            $"{what}: durations sketch buckets");
        Assert.True(expectedBytes.AsSpan(expectedBytes.Length - (2 * sizeof(double))).SequenceEqual(actualBytes.AsSpan(actualBytes.Length - (2 * sizeof(double)))),
            $"{what}: durations sketch min and max");
        var (expectedSum, actualSum) = (SumOf(expectedBytes), SumOf(actualBytes));
        Assert.True(Math.Abs(expectedSum - actualSum) <= 1e-12 * Math.Abs(expectedSum), $"{what}: durations sum {expectedSum:R} vs {actualSum:R}");
    }

    private static void AssertSameCell(UsageCell expected, UsageCell actual, string what)
    {
        Assert.True(expected.Events == actual.Events, $"{what}: events");
        Assert.True(expected.LastEventAt == actual.LastEventAt, $"{what}: last event");
        Assert.True(expected.Visitors.ToBytes().AsSpan().SequenceEqual(actual.Visitors.ToBytes()), $"{what}: visitors sketch bytes");
        Assert.True(expected.Users.ToBytes().AsSpan().SequenceEqual(actual.Users.ToBytes()), $"{what}: users sketch bytes");
    }

    private static double SumOf(byte[] sketchBytes) =>
        BinaryPrimitives.ReadDoubleLittleEndian(sketchBytes.AsSpan(sketchBytes.Length - SumMinMaxBytes, sizeof(double)));
}
