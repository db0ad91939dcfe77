using Metrics.Core.Rollups;

namespace Metrics.Core.Queries;

/// <summary><c>GET /api/metrics/timeseries</c>: requests and usage per hour or per day, zero-filled.</summary>
public static class TimeSeries
{
    /// <param name="requestSlices">Slices of the filter's <see cref="QueryFilter.TotalsFamily"/>; none when performance is not asked for.</param>
    /// <param name="typeSlices">Slices of <see cref="Families.EventType"/>, or none when usage is not asked for.</param>
    /// <param name="filter">Which requests count (usage points are not filtered: usage is kept per site).</param>
    public static IReadOnlyList<TimePoint> Build(QueryWindow window, Interval interval,
        IEnumerable<RollupSlice<RequestCell>> requestSlices, IEnumerable<RollupSlice<UsageCell>> typeSlices, QueryFilter? filter = null)
    {
        filter ??= QueryFilter.None;
        bool Selected(RollupSlice<RequestCell> s) => filter.Unsupported(s.Key.Family) is { } why
            ? throw new ArgumentException($"The filter does not apply to these slices: {why}.", nameof(requestSlices))
            : filter.Includes(s.Key);
        var requests = Slices.Merge(requestSlices.Where(Selected), s => BucketOf(s.Start, interval));
        var usage = Slices.Merge(typeSlices, s => BucketOf(s.Start, interval));
        return window.Buckets(interval).Select(at =>
        {
            var r = requests.GetValueOrDefault(at) ?? new RequestCell();
            var u = usage.GetValueOrDefault(at) ?? new UsageCell();
            return new TimePoint(at, r.Requests, r.ErrorRate, r.ServerErrorRate, r.AverageMs, r.PercentileMs(0.50), r.PercentileMs(0.95),
                r.PercentileMs(0.99), u.Events, u.Visitors.Estimate());
        }).ToList();
    }

    /// <summary>The interval a chart of the window reads best at: hours up to a week (at most 168 points), days beyond.</summary>
    public static Interval IntervalFor(QueryWindow window) => window.To - window.From <= TimeSpan.FromDays(7) ? Interval.Hour : Interval.Day;

    public static DateTimeOffset BucketOf(DateTimeOffset start, Interval interval) =>
        interval == Interval.Hour ? start : new DateTimeOffset(start.UtcDateTime.Date, TimeSpan.Zero);
}
