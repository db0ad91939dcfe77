using Metrics.Core.Queries;
using Metrics.Core.Rollups;
using Metrics.Storage.Rollups;

namespace Metrics.Functions.Queries;

/// <summary>What the dashboard shows of one period, read for one answer.</summary>
/// <param name="HasRequests">Whether the window held any request data (before the filter), as the performance query says it.</param>
/// <param name="Usage">Null when the view is kept to an org or model: usage events carry neither.</param>
public sealed record Overview(PerformanceReport Performance, bool HasRequests, IReadOnlyList<TimePoint> Points, UsageReport? Usage, bool HasUsage,
    (BreakdownReport Report, bool HasData, string? Caveat) Breakdown);

/// <summary>
/// <c>GET /api/metrics/overview</c>: the summary and endpoints, the series, the usage tables and one breakdown, the same
/// numbers the four queries answer, in one invocation. The totals family is read once, at the series' grain, for both the
/// summary and the series; usage's event types likewise; all reads run side by side.
/// </summary>
public sealed class OverviewQuery(RollupReader reader, BreakdownQuery breakdowns)
{
    /// <param name="breakdownFilter">The breakdown's filter: the view's, without the endpoint (breakdowns other than by
    /// endpoint are not kept per endpoint).</param>
    public async Task<Overview> RunAsync(QueryWindow window, Interval interval, QueryFilter filter, string by, QueryFilter breakdownFilter,
        CancellationToken cancellationToken)
    {
        var grain = interval == Interval.Hour ? Grain.Hour : Grain.Day;
        var withUsage = !filter.ByOrgOrModel;
        // The endpoint table without its users sketches (most of a row's bytes), at the coarsest grain.
        var endpoints = reader.ReadAsync(CellFormats.Requests, [filter.EndpointFamily], window, Grain.Week, distinctCountsOf: [], cancellationToken);
        var totals = reader.ReadAsync(CellFormats.Requests, [filter.TotalsFamily], window, grain, cancellationToken: cancellationToken);
        var eventTypes = withUsage ? reader.ReadAsync(CellFormats.Usage, [Families.EventType], window, grain, cancellationToken: cancellationToken) : null;
        var pages = withUsage ? reader.ReadAsync(CellFormats.Usage, [Families.Page, Families.Name], window, Grain.Week, cancellationToken: cancellationToken) : null;
        var breakdown = breakdowns.RunAsync(window, by, breakdownFilter, cancellationToken);
        await Task.WhenAll(new Task?[] { endpoints, totals, breakdown, eventTypes, pages }.OfType<Task>()).ConfigureAwait(false);

        var totalSlices = totals.Result[filter.TotalsFamily];
        var typeSlices = eventTypes?.Result[Families.EventType] ?? [];
        var usage = withUsage ? UsageReport.Build(typeSlices, pages!.Result[Families.Page], pages.Result[Families.Name], null, includeAnonymous: true) : null;
        return new Overview(PerformanceReport.Build(endpoints.Result[filter.EndpointFamily], totalSlices, filter), totalSlices.Count > 0,
            TimeSeries.Build(window, interval, totalSlices, typeSlices, filter), usage, typeSlices.Count > 0, breakdown.Result);
    }
}
