using Metrics.Core.Rollups;

namespace Metrics.Core.Queries;

/// <summary>
/// <c>GET /api/metrics/reliability</c>: per hour error rate and tail latency, with a spike flag where an
/// hour departs from its trailing baseline: the previous <see cref="BaselineHours"/> hours that had traffic.
/// </summary>
public static class Reliability
{
    public const int BaselineHours = 24;
    /// <summary>Fewer baseline hours than this and nothing is called a spike: there is no baseline yet.</summary>
    public const int MinBaselineHours = 6;
    /// <summary>Fewer requests than this in an hour and its rates are noise.</summary>
    public const long MinRequests = 20;

    /// <summary>
    /// The hours to read for <paramref name="window"/>: the trailing baseline of its first hours lies before it, so twice
    /// <see cref="BaselineHours"/> more, within rollup retention.
    /// </summary>
    public static QueryWindow WithBaseline(QueryWindow window, DateTimeOffset now, int rollupDays)
    {
        var earliest = QueryWindow.CeilingHour(now.AddDays(-rollupDays));
        var baselineStart = window.From.AddHours(-2 * BaselineHours);
        return window with { From = baselineStart < earliest ? earliest : baselineStart };
    }

    /// <param name="slices">Hourly slices of the filter's <see cref="QueryFilter.TotalsFamily"/>, including the baseline hours before the window.</param>
    /// <param name="percentiles">The percentiles each hour shows besides p95 and p99 (<see cref="ReliabilityPercentiles.Default"/> when null).</param>
    public static IReadOnlyList<ReliabilityHour> Build(QueryWindow window, IEnumerable<RollupSlice<RequestCell>> slices, QueryFilter filter,
        ReliabilityPercentiles? percentiles = null)
    {
        var shown = (percentiles ?? ReliabilityPercentiles.Default).Values;
        var hours = Slices.Merge(slices.Where(s => filter.Includes(s.Key)), s => s.Start);
        var history = new List<RequestCell>();
        var result = new List<ReliabilityHour>();
        foreach (var at in hours.Keys.Where(h => h < window.From).Order()) Remember(history, hours[at]);
        foreach (var at in window.Hours())
        {
            var cell = hours.GetValueOrDefault(at) ?? new RequestCell();
            var p95 = cell.PercentileMs(0.95);
            var p99 = cell.PercentileMs(0.99);
            var named = shown.ToDictionary(ReliabilityPercentiles.NameOf, p => cell.PercentileMs(p / 100));
            result.Add(new ReliabilityHour(at, cell.Requests, cell.ErrorRate, p95, p99, cell.Durations.Min, cell.Durations.Max, named, IsSpike(cell, history)));
            Remember(history, cell);
        }
        return result;
    }

    /// <summary>
    /// A spike: the error rate is three standard deviations above the baseline's mean and at least double it,
    /// or the p99 is more than double the baseline's median p99.
    /// </summary>
    private static bool IsSpike(RequestCell hour, List<RequestCell> baseline)
    {
        if (hour.Requests < MinRequests || baseline.Count < MinBaselineHours) return false;
        var rates = baseline.Select(b => b.ErrorRate).ToList();
        var mean = rates.Average();
        var deviation = Math.Sqrt(rates.Sum(r => (r - mean) * (r - mean)) / rates.Count);
        var errorSpike = hour.ErrorRate > mean + 3 * deviation && hour.ErrorRate >= 2 * mean && hour.ErrorRate > 0.01;
        var p99s = baseline.Select(b => b.PercentileMs(0.99)).Order().ToList();
        var latencySpike = hour.PercentileMs(0.99) > 2 * p99s[p99s.Count / 2];
        return errorSpike || latencySpike;
    }

    private static void Remember(List<RequestCell> history, RequestCell cell)
    {
        if (cell.Requests < MinRequests) return;
        history.Add(cell);
        if (history.Count > BaselineHours) history.RemoveAt(0);
    }
}
