using Metrics.Core.Pricing;
using Metrics.Core.Queries;
using Metrics.Core.Rollups;

namespace Metrics.Core.Exports;

/// <summary>One row of a finance export: what one org used of one model, and what it cost.</summary>
public sealed record FinanceRow(string Org, string Model, long Requests, long Units, decimal UnitPrice, decimal Spend);

/// <summary>
/// Spend per org and model, from the same org rollups and the same pricing as the org breakdown
/// (<see cref="RequestCell.Spend"/>), so the rows add up to the breakdown's totals exactly (decimal sums do not round).
/// </summary>
public static class FinanceMonthToDate
{
    public static IReadOnlyList<FinanceRow> Build(IEnumerable<RollupSlice<RequestCell>> slices, PriceList prices)
    {
        var groups = new Dictionary<(string Org, string Model), (long Requests, long Units, decimal Spend)>();
        foreach (var slice in slices.Where(s => s.Key.Family == Families.Org))
        {
            var key = (Org: slice.Key.Value(2), Model: Families.ModelOf(slice.Key));
            var (requests, units, spend) = groups.GetValueOrDefault(key);
            groups[key] = (requests + slice.Cell.Requests, units + slice.Cell.Units, spend + slice.Cell.Spend(prices));
        }
        return groups
            .Select(g => new FinanceRow(Named(g.Key.Org), Named(g.Key.Model), g.Value.Requests, g.Value.Units, prices.PriceOf(g.Key.Model), g.Value.Spend))
            .OrderBy(r => r.Org, StringComparer.Ordinal).ThenBy(r => r.Model, StringComparer.Ordinal).ToList();
    }

    private static string Named(string value) => value.Length == 0 ? BreakdownReport.None : value;
}
