using Metrics.Core.Pricing;
using Metrics.Core.Queries;
using Metrics.Core.Rollups;

namespace Metrics.Core.Exports;

/// <summary>
/// Spend per org, model and price, from the same org rollups and the same pricing as the org breakdown
/// (<see cref="RequestCell.Spend"/>), so the rows add up to the breakdown's totals exactly (decimal sums do not round).
/// </summary>
public static class FinanceSpend
{
    /// <param name="org">Only this organisation's rows; all when null.</param>
    public static IReadOnlyList<FinanceRow> Build(IEnumerable<RollupSlice<RequestCell>> slices, PriceList prices, string? org = null)
    {
        var groups = new Dictionary<(string Org, string Model, ModelPrice? Price), (long Requests, long Units)>();
        foreach (var slice in slices.Where(s => s.Key.Family == Families.Org && (org is null || Families.OrgOf(s.Key) == org)))
        {
            // The org family's keys hold one model each, so a slice's units and requests are that model's.
            var model = Families.ModelOf(slice.Key);
            var key = (Org: slice.Key.Value(2), Model: model, Price: prices.PriceAt(model, slice.Start));
            var (requests, units) = groups.GetValueOrDefault(key);
            groups[key] = (requests + slice.Cell.Requests, units + slice.Cell.Units);
        }
        return groups
            .Select(g => new FinanceRow(Named(g.Key.Org), Named(g.Key.Model), g.Value.Requests, g.Value.Units, g.Key.Price?.UnitPrice,
                g.Key.Price?.EffectiveFrom, g.Value.Units * (g.Key.Price?.UnitPrice ?? 0m)))
            .OrderBy(r => r.Org, StringComparer.Ordinal).ThenBy(r => r.Model, StringComparer.Ordinal).ThenBy(r => r.PriceFrom).ToList();
    }

    private static string Named(string value) => value.Length == 0 ? BreakdownReport.None : value;
}
