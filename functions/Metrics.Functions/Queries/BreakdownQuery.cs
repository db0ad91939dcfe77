using Metrics.Core.Queries;
using Metrics.Rollups.Queries;
using Metrics.Storage.Admin;

namespace Metrics.Functions.Queries;

/// <summary>
/// The breakdown of request metrics over a window, by one dimension: what <c>GET /api/metrics/breakdown</c>, the overview
/// and the breakdown export answer, read and built in one place so that they never disagree.
/// </summary>
public sealed class BreakdownQuery(RollupQueries rollups, PriceStore prices, RosterStore roster)
{
    /// <param name="filter">Checked against the breakdown's family (<see cref="QueryFilters.Of"/>).</param>
    public async Task<BreakdownAnswer> RunAsync(QueryWindow window, string by, QueryFilter filter, CancellationToken cancellationToken)
    {
        var family = BreakdownReport.FamilyOf(by, filter);
        var priceList = await prices.GetAsync(cancellationToken);
        var read = await rollups.RequestsAsync(window, priceList.CoarsestGrain(window), [family], cancellationToken: cancellationToken);
        var members = by == "membership" ? await roster.GetMembersAsync(cancellationToken) : new HashSet<string>();
        return new BreakdownAnswer(BreakdownReport.Build(by, read[family], filter, priceList, members), read, read[family].Count > 0,
            members.Count > 0);
    }
}
