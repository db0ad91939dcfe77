using Metrics.Core.Queries;
using Metrics.Core.Rollups;
using Metrics.Rollups.Queries;

namespace Metrics.Functions.Queries;

/// <summary>
/// <c>GET /api/metrics/overview</c>: the summary and endpoints, the series, the usage tables and one breakdown, the same
/// numbers the four queries answer, in one invocation. The totals family is read once, at the series' grain, for both the
/// summary and the series; usage's event types likewise; all reads run side by side.
/// </summary>
public sealed class OverviewQuery(RollupQueries rollups, BreakdownQuery breakdowns)
{
    /// <param name="breakdownFilter">The breakdown's filter: the view's, without the endpoint (breakdowns other than by
    /// endpoint are not kept per endpoint).</param>
    public async Task<Overview> RunAsync(QueryWindow window, Interval interval, QueryFilter filter, string by, QueryFilter breakdownFilter,
        CancellationToken cancellationToken)
    {
        var grain = interval == Interval.Hour ? Grain.Hour : Grain.Day;
        var withUsage = !filter.ByOrgOrModel;
        // The endpoint table without its users sketches (most of a row's bytes), at the coarsest grain.
        var endpoints = rollups.RequestsAsync(window, Grain.Week, [filter.EndpointFamily], distinctCountsOf: [], cancellationToken);
        var totals = rollups.RequestsAsync(window, grain, [filter.TotalsFamily], cancellationToken: cancellationToken);
        var countries = PerformanceReport.CountsCountries(filter)
            ? rollups.RequestsAsync(window, Grain.Week, [filter.CountryFamily], distinctCountsOf: [], cancellationToken)
            : null;
        var eventTypes = withUsage ? rollups.UsageAsync(window, grain, [Families.EventType], cancellationToken: cancellationToken) : null;
        var pages = withUsage ? rollups.UsageAsync(window, Grain.Week, [Families.Page, Families.Name], cancellationToken: cancellationToken) : null;
        var breakdown = breakdowns.RunAsync(window, by, breakdownFilter, cancellationToken);
        await Task.WhenAll(new Task?[] { endpoints, totals, countries, breakdown, eventTypes, pages }.OfType<Task>()).ConfigureAwait(false);

        var totalSlices = totals.Result[filter.TotalsFamily];
        var typeSlices = eventTypes?.Result[Families.EventType] ?? [];
        var usage = withUsage ? UsageReport.Build(typeSlices, pages!.Result[Families.Page], pages.Result[Families.Name], null, includeAnonymous: true) : null;
        // One number for both sources only for the whole view: usage is not kept per service or endpoint, nor has an org or model.
        var activeUsers = withUsage && filter == QueryFilter.None ? ActiveUsers.Of(totalSlices, typeSlices) : null;
        return new Overview(PerformanceReport.Build(endpoints.Result[filter.EndpointFamily], totalSlices, filter, countries?.Result[filter.CountryFamily]), totals.Result,
            totalSlices.Count > 0, TimeSeries.Build(window, interval, totalSlices, typeSlices, filter), usage, eventTypes?.Result, breakdown.Result, activeUsers);
    }
}
