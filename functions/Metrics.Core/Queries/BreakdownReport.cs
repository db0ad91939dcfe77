using Metrics.Core.Pricing;
using Metrics.Core.Rollups;

namespace Metrics.Core.Queries;

/// <summary><c>GET /api/metrics/breakdown</c>: requests grouped by one dimension, with cost.</summary>
/// <param name="Unpriced">Units the spend leaves out, by model (<see cref="UnpricedUnits"/>).</param>
public sealed record BreakdownReport(string By, IReadOnlyList<BreakdownRow> Rows, BreakdownRow Totals, IReadOnlyDictionary<string, long> Unpriced)
{
    public const string None = "(none)";
    public const string Member = "member";
    public const string External = "external";

    public static readonly IReadOnlyList<string> Dimensions = ["service", "endpoint", "user", "country", "org", "model", "membership"];

    /// <summary>The rollup family a breakdown reads: by service or model, the org family when kept to an org; by endpoint,
    /// user or country, the filter's family for it (per org only under an org filter).</summary>
    public static string FamilyOf(string by, QueryFilter filter) => by switch
    {
        "service" or "model" => filter.Org is null ? Families.Service : Families.Org,
        "endpoint" => filter.EndpointFamily,
        "country" => filter.CountryFamily,
        "org" => Families.Org,
        "user" or "membership" => filter.UserFamily,
        _ => throw new ArgumentOutOfRangeException(nameof(by), by, "not a breakdown dimension"),
    };

    /// <param name="filter">Its family (<see cref="FamilyOf"/>) must support it (<see cref="QueryFilter.Unsupported"/>).</param>
    public static BreakdownReport Build(string by, IEnumerable<RollupSlice<RequestCell>> slices, QueryFilter filter,
        PriceList prices, IReadOnlySet<string> roster)
    {
        var family = FamilyOf(by, filter);
        var selected = slices.Where(s => s.Key.Family == family && filter.Includes(s.Key)).ToList();
        string GroupOf(RollupSlice<RequestCell> s) => by switch
        {
            "service" => s.Key.Value(0),
            "model" => Families.ModelOf(s.Key),
            "endpoint" => $"{s.Key.Value(0)} {s.Key.Value(2)} {s.Key.Value(1)}",
            "country" or "user" => s.Key.Value(1),
            "membership" => roster.Contains(s.Key.Value(1)) ? Member : External,
            "org" => Families.OrgOf(s.Key),
            _ => throw new ArgumentOutOfRangeException(nameof(by), by, "not a breakdown dimension"),
        };

        var total = Slices.Total(selected);
        // Priced slice by slice: each at the prices in force in its own hour, day or week.
        var spends = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var slice in selected)
        {
            var group = GroupOf(slice);
            spends[group] = spends.GetValueOrDefault(group) + slice.Cell.Spend(prices, slice.Start);
        }
        var rows = Slices.Merge(selected, GroupOf)
            .Select(g => Row(g.Key.Length == 0 ? None : g.Key, g.Value, spends[g.Key], total.Requests))
            .OrderByDescending(r => r.Requests).ThenBy(r => r.Key, StringComparer.Ordinal).ToList();
        return new BreakdownReport(by, rows, Row("total", total, spends.Values.Sum(), total.Requests), UnpricedUnits.Of(selected, prices));
    }

    /// <summary>
    /// What a person should know before trusting the rows: requests that sent no value of the dimension (they are
    /// the <see cref="None"/> row), or a membership split without a roster (everyone is then external). Null when nothing.
    /// </summary>
    public string? Caveat(bool rosterSet)
    {
        if (By == "membership") return rosterSet ? null : "No roster is set, so every user counts as external; set it with PUT /api/admin/roster.";
        if (By is not ("user" or "org" or "country") || Rows.FirstOrDefault(r => r.Key == None) is not { Requests: > 0 } none) return null;
        return $"{none.Requests:N0} requests have no {By}; they are the row {None}.";
    }

    private static BreakdownRow Row(string key, RequestCell cell, decimal spend, long allRequests) => new(key, cell.Requests, cell.Errors,
        cell.ClientErrors, cell.ServerErrors, cell.ErrorRate, cell.ServerErrorRate, cell.AverageMs, cell.PercentileMs(0.95), cell.Units, spend, cell.CpuMs,
        cell.GpuMs, cell.SyncRequests, cell.AsyncRequests, cell.Users.Estimate(), allRequests == 0 ? 0 : (double)cell.Requests / allRequests);
}
