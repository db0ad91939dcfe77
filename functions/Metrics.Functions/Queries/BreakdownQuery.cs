using Metrics.Core.Queries;
using Metrics.Storage.Admin;

namespace Metrics.Functions.Queries;

/// <summary>
/// The breakdown of request metrics over a window, by one dimension: what <c>GET /api/metrics/breakdown</c> answers and
/// the breakdown export writes, read and built in one place so the two never disagree.
/// </summary>
public sealed class BreakdownQuery(QueryData data, PriceStore prices, RosterStore roster)
{
    /// <returns>The report, whether the window held any request data, and what a person should know of its rows
    /// (<see cref="BreakdownReport.Caveat"/>).</returns>
    /// <param name="filter">Checked against the breakdown's family (<see cref="QueryFilters.Check"/>).</param>
    public async Task<(BreakdownReport Report, bool HasData, string? Caveat)> RunAsync(QueryWindow window, string by, QueryFilter filter, CancellationToken cancellationToken)
    {
        var family = BreakdownReport.FamilyOf(by, filter);
        var priceList = await prices.GetAsync(cancellationToken);
        var slices = (await data.RequestsAsync(window, priceList.CoarsestGrain(window), cancellationToken, family))[family];
        var members = by == "membership" ? await roster.GetMembersAsync(cancellationToken) : new HashSet<string>();
        var report = BreakdownReport.Build(by, slices, filter, priceList, members);
        return (report, slices.Count > 0, report.Caveat(rosterSet: members.Count > 0));
    }
}
