using Metrics.Core.Queries;
using Metrics.Core.Rollups;

namespace Metrics.Core.Pricing;

/// <summary>
/// Units that spend leaves out: used while their model had no price in force, or sent without a model. Finance must
/// see them, not a total that is silently too low.
/// </summary>
public static class UnpricedUnits
{
    /// <summary>The empty string's name: units sent without a model.</summary>
    public const string NoModel = "(no model)";

    /// <summary>Units without a price, by model (<see cref="NoModel"/> for none), ordered by model.</summary>
    public static SortedDictionary<string, long> Of(IEnumerable<RollupSlice<RequestCell>> slices, PriceList prices)
    {
        var unpriced = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var slice in slices)
            foreach (var (model, units) in slice.Cell.UnitsByModel)
            {
                if (units == 0 || prices.PriceAt(model, slice.Start) is not null) continue;
                var name = model.Length == 0 ? NoModel : model;
                unpriced[name] = unpriced.GetValueOrDefault(name) + units;
            }
        return unpriced;
    }

    /// <summary>What an answer showing spend says of it, for a person who can fix it.</summary>
    public static (bool Complete, string Detail) Describe(IReadOnlyDictionary<string, long> unpriced) => unpriced.Count == 0
        ? (true, "Every unit in the range is priced.")
        : (false, $"Spend leaves out {string.Join(", ", unpriced.Select(u => $"{u.Value:N0} units of {u.Key}"))}: "
            + "no price was in force for them. Set prices with PUT /api/admin/prices (effectiveFrom may lie in the past); "
            + "units sent without a model cannot be priced.");
}
