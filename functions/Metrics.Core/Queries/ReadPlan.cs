using Metrics.Core.Rollups;

namespace Metrics.Core.Queries;

/// <summary>
/// Which rollups a query over a window reads, decided before any storage call. Hours marked to be recomputed from raw
/// rows are recomputed live; hours with partials since their day was merged are read from hour rows (with their
/// partials); where the answer allows (its grain), whole weeks and days without such hours come from week and day rows;
/// every other hour from hour rows, in contiguous runs (one range scan each). A week turns out
/// incomplete when its week rows were not written yet (not compacted since it ended, or being rewritten): then its
/// days are read instead (<see cref="DaysBesides"/>). Storage requests so grow with weeks, days and runs, not events.
/// </summary>
public sealed record ReadPlan(
    IReadOnlyList<DateTimeOffset> Weeks,
    IReadOnlyList<DateTimeOffset> Days,
    IReadOnlyList<(DateTimeOffset First, DateTimeOffset Last)> HourRuns,
    IReadOnlyList<DateTimeOffset> LiveHours)
{
    /// <param name="liveHours">Hours to recompute from raw rows.</param>
    /// <param name="settlingHours">Hours whose day rows do not hold everything yet.</param>
    public static ReadPlan For(QueryWindow window, Grain grain, IReadOnlySet<DateTimeOffset> liveHours, IReadOnlySet<DateTimeOffset>? settlingHours = null)
    {
        var live = window.Hours().Where(liveHours.Contains).ToList();
        var days = grain >= Grain.Day
            ? window.Buckets(Interval.Day).Where(day => day >= window.From && day.AddDays(1) <= window.To
                && !Enumerable.Range(0, 24).Any(h => liveHours.Contains(day.AddHours(h)) || settlingHours?.Contains(day.AddHours(h)) == true)).ToList()
            : [];
        var wholeDays = days.ToHashSet();
        var weeks = grain == Grain.Week
            ? days.Select(RollupCalendar.WeekOf).Distinct().Where(week => Enumerable.Range(0, 7).All(d => wholeDays.Contains(week.AddDays(d)))).Order().ToList()
            : [];
        var hours = window.Hours().Where(h => !liveHours.Contains(h) && !wholeDays.Contains(RollupCalendar.DayOf(h)));
        return new ReadPlan(weeks, days, Runs(hours, TimeSpan.FromHours(1)).ToList(), live);
    }

    /// <summary>The whole days to read from day rows, given the weeks whose week rows were complete.</summary>
    public IEnumerable<DateTimeOffset> DaysBesides(IReadOnlySet<DateTimeOffset> completeWeeks) =>
        Days.Where(day => !completeWeeks.Contains(RollupCalendar.WeekOf(day)));

    /// <summary>Contiguous runs of ordered starts <paramref name="step"/> apart (hours, days).</summary>
    public static IEnumerable<(DateTimeOffset First, DateTimeOffset Last)> Runs(IEnumerable<DateTimeOffset> ordered, TimeSpan step)
    {
        DateTimeOffset? first = null, last = null;
        foreach (var at in ordered)
        {
            if (last is { } previous && at - previous == step)
            {
                last = at;
                continue;
            }
            if (first is { } f) yield return (f, last!.Value);
            first = last = at;
        }
        if (first is { } start) yield return (start, last!.Value);
    }
}
