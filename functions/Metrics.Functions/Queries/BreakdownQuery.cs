using Metrics.Core.Queries;
using Metrics.Storage.Admin;

namespace Metrics.Functions.Queries;

/// <summary>
/// The breakdown of request metrics over a window, by one dimension: what <c>GET /api/metrics/breakdown</c> answers and
/// the breakdown export writes, read and built in one place so the two never disagree.
/// </summary>
public sealed class BreakdownQuery(QueryData data, PriceStore prices, RosterStore roster)
{
    /// <returns>The report, and whether the window held any request data.</returns>
    public async Task<(BreakdownReport Report, bool HasData)> RunAsync(QueryWindow window, string by, string? service, CancellationToken cancellationToken)
    {
        var family = BreakdownReport.FamilyOf(by);
        var slices = (await data.RequestsAsync(window, Core.Rollups.Grain.Week, cancellationToken, family))[family];
        var members = by == "membership" ? await roster.GetMembersAsync(cancellationToken) : new HashSet<string>();
        return (BreakdownReport.Build(by, slices, service, await prices.GetAsync(cancellationToken), members), slices.Count > 0);
    }
}
