using FsCheck;
using FsCheck.Fluent;
using Metrics.Core.Queries;
using Metrics.Core.Rollups;

namespace Metrics.Core.Tests.Queries;

public sealed class ReadPlanTests
{
    /// <summary>A Monday, so week boundaries are easy to see in the cases below.</summary>
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_clean_range_of_whole_weeks_reads_week_rows_and_nothing_else()
    {
        var plan = ReadPlan.For(new QueryWindow(Monday, Monday.AddDays(14)), Grain.Week, new HashSet<DateTimeOffset>());

        Assert.Equal([Monday, Monday.AddDays(7)], plan.Weeks);
        Assert.Empty(plan.HourRuns);
        Assert.Empty(plan.LiveHours);
        Assert.Equal(14, plan.Days.Count);
        Assert.Empty(plan.DaysBesides(plan.Weeks.ToHashSet()));
    }

    [Fact]
    public void A_dirty_hour_is_read_live_and_its_day_from_hour_rows_around_it()
    {
        var dirty = Monday.AddDays(1).AddHours(10);
        var plan = ReadPlan.For(new QueryWindow(Monday, Monday.AddDays(7)), Grain.Week, new HashSet<DateTimeOffset> { dirty });

        Assert.Empty(plan.Weeks);
        Assert.DoesNotContain(Monday.AddDays(1), plan.Days);
        Assert.Equal(6, plan.Days.Count);
        Assert.Equal([dirty], plan.LiveHours);
        Assert.Equal([(Monday.AddDays(1), dirty.AddHours(-1)), (dirty.AddHours(1), Monday.AddDays(2).AddHours(-1))], plan.HourRuns);
    }

    [Fact]
    public void An_hourly_answer_reads_only_hours()
    {
        var plan = ReadPlan.For(new QueryWindow(Monday, Monday.AddDays(8)), Grain.Hour, new HashSet<DateTimeOffset>());

        Assert.Empty(plan.Weeks);
        Assert.Empty(plan.Days);
        Assert.Equal([(Monday, Monday.AddDays(8).AddHours(-1))], plan.HourRuns);
    }

    [Fact]
    public void A_week_without_week_rows_is_read_from_its_days()
    {
        var plan = ReadPlan.For(new QueryWindow(Monday, Monday.AddDays(14)), Grain.Week, new HashSet<DateTimeOffset>());

        Assert.Equal(Enumerable.Range(7, 7).Select(d => Monday.AddDays(d)), plan.DaysBesides(new HashSet<DateTimeOffset> { Monday }));
    }

    [Fact]
    public void An_hour_with_partials_is_read_from_hour_rows_and_keeps_its_day_from_day_rows()
    {
        var settling = Monday.AddDays(2).AddHours(5);
        var plan = ReadPlan.For(new QueryWindow(Monday, Monday.AddDays(7)), Grain.Week, new HashSet<DateTimeOffset>(), new HashSet<DateTimeOffset> { settling });

        Assert.Empty(plan.Weeks);
        Assert.Empty(plan.LiveHours);
        Assert.DoesNotContain(Monday.AddDays(2), plan.Days);
        Assert.Equal([(Monday.AddDays(2), Monday.AddDays(3).AddHours(-1))], plan.HourRuns);
    }

    /// <summary>
    /// Whatever the window, grain, hours to recompute and hours with partials: every hour of the window is read exactly
    /// once (from a week, a day, a run of hour rows or live), nothing outside it is read, an hour to recompute is never
    /// read from stored rows, and an hour with partials never from a day or week row.
    /// </summary>
    [Fact]
    public void Weeks_days_runs_and_live_hours_cover_the_window_once() =>
        Prop.ForAll(Gen.Choose(0, 40 * 24).Two().ToArbitrary(), Gen.Choose(0, 2).ToArbitrary(), Gen.Choose(0, 40 * 24).ArrayOf().Two().ToArbitrary(),
            (hours, g, marked) =>
            {
                var from = Monday.AddHours(Math.Min(hours.Item1, hours.Item2) - 200);
                var window = new QueryWindow(from, from.AddHours(Math.Abs(hours.Item1 - hours.Item2) + 1));
                var live = marked.Item1.Select(o => Monday.AddHours(o - 200)).ToHashSet();
                var settling = marked.Item2.Select(o => Monday.AddHours(o - 200)).ToHashSet();
                var plan = ReadPlan.For(window, (Grain)g, live, settling);

                var fromBuckets = plan.Weeks.SelectMany(w => Enumerable.Range(0, 7 * 24).Select(h => w.AddHours(h)))
                    .Concat(plan.DaysBesides(plan.Weeks.ToHashSet()).SelectMany(d => Enumerable.Range(0, 24).Select(h => d.AddHours(h)))).ToList();
                var read = fromBuckets
                    .Concat(plan.HourRuns.SelectMany(r => Enumerable.Range(0, (int)(r.Last - r.First).TotalHours + 1).Select(h => r.First.AddHours(h))))
                    .Concat(plan.LiveHours).ToList();
                var stored = read.Except(plan.LiveHours);
                return read.Order().SequenceEqual(window.Hours())
                    && !stored.Any(live.Contains)
                    && plan.LiveHours.All(live.Contains)
                    && !fromBuckets.Any(settling.Contains);
            }).QuickCheckThrowOnFailure();
}
