using Metrics.Core.Rollups;

namespace Metrics.Core.Queries;

/// <summary>One point of a time series; a bucket with no data is present with zeros.</summary>
public sealed record TimePoint(DateTimeOffset At, long Requests, double ErrorRate, double AvgMs, double P95Ms, long Events, long Users);

/// <summary><c>GET /api/metrics/timeseries</c>: requests and usage per hour or per day, zero-filled.</summary>
public static class TimeSeries
{
    /// <param name="serviceSlices">Slices of <see cref="Families.Service"/>, or none when performance is not asked for.</param>
    /// <param name="typeSlices">Slices of <see cref="Families.EventType"/>, or none when usage is not asked for.</param>
    public static IReadOnlyList<TimePoint> Build(QueryWindow window, Interval interval,
        IEnumerable<RollupSlice<RequestCell>> serviceSlices, IEnumerable<RollupSlice<UsageCell>> typeSlices)
    {
        var requests = Slices.Merge(serviceSlices, s => BucketOf(s.Start, interval));
        var usage = Slices.Merge(typeSlices, s => BucketOf(s.Start, interval));
        return window.Buckets(interval).Select(at =>
        {
            var r = requests.GetValueOrDefault(at) ?? new RequestCell();
            var u = usage.GetValueOrDefault(at) ?? new UsageCell();
            return new TimePoint(at, r.Requests, r.ErrorRate, r.AverageMs, r.PercentileMs(0.95), u.Events, u.Visitors.Estimate());
        }).ToList();
    }

    public static DateTimeOffset BucketOf(DateTimeOffset start, Interval interval) =>
        interval == Interval.Hour ? start : new DateTimeOffset(start.UtcDateTime.Date, TimeSpan.Zero);
}
