using Metrics.Core.Pricing;
using Metrics.Core.Rollups;

namespace Metrics.Core.Queries;

/// <summary>One row of a breakdown. Additive columns of all rows sum exactly to <see cref="BreakdownReport.Totals"/>.</summary>
public sealed record BreakdownRow(string Key, long Requests, long Errors, long ClientErrors, long ServerErrors, double ErrorRate,
    double ServerErrorRate, double AvgMs, double P95Ms, long Units, decimal Spend, double CpuMs, double GpuMs, long SyncRequests, long AsyncRequests,
    long Users, double Share);

/// <summary><c>GET /api/metrics/breakdown</c>: requests grouped by one dimension, with cost.</summary>
public sealed record BreakdownReport(string By, IReadOnlyList<BreakdownRow> Rows, BreakdownRow Totals)
{
    public const string None = "(none)";
    public const string Member = "member";
    public const string External = "external";

    public static readonly IReadOnlyList<string> Dimensions = ["service", "endpoint", "user", "country", "org", "model", "membership"];

    /// <summary>The rollup family a breakdown reads.</summary>
    public static string FamilyOf(string by) => by switch
    {
        "service" or "model" => Families.Service,
        "endpoint" => Families.Endpoint,
        "country" => Families.Country,
        "org" => Families.Org,
        "user" or "membership" => Families.User,
        _ => throw new ArgumentOutOfRangeException(nameof(by), by, "not a breakdown dimension"),
    };

    public static BreakdownReport Build(string by, IEnumerable<RollupSlice<RequestCell>> slices, string? service,
        PriceList prices, IReadOnlySet<string> roster)
    {
        var family = FamilyOf(by);
        var selected = slices.Where(s => s.Key.Family == family && (service is null || s.Key.Value(0) == service)).ToList();
        string GroupOf(RollupSlice<RequestCell> s) => by switch
        {
            "service" => s.Key.Value(0),
            "model" => Families.ModelOf(s.Key),
            "endpoint" => $"{s.Key.Value(0)} {s.Key.Value(2)} {s.Key.Value(1)}",
            "country" or "user" => s.Key.Value(1),
            "membership" => roster.Contains(s.Key.Value(1)) ? Member : External,
            "org" => s.Key.Value(2),
            _ => throw new ArgumentOutOfRangeException(nameof(by), by, "not a breakdown dimension"),
        };

        var total = Slices.Total(selected);
        var rows = Slices.Merge(selected, GroupOf)
            .Select(g => Row(g.Key.Length == 0 ? None : g.Key, g.Value, prices, total.Requests))
            .OrderByDescending(r => r.Requests).ThenBy(r => r.Key, StringComparer.Ordinal).ToList();
        return new BreakdownReport(by, rows, Row("total", total, prices, total.Requests));
    }

    private static BreakdownRow Row(string key, RequestCell cell, PriceList prices, long allRequests) => new(key, cell.Requests, cell.Errors,
        cell.ClientErrors, cell.ServerErrors, cell.ErrorRate, cell.ServerErrorRate, cell.AverageMs, cell.PercentileMs(0.95), cell.Units, cell.Spend(prices), cell.CpuMs,
        cell.GpuMs, cell.SyncRequests, cell.AsyncRequests, cell.Users.Estimate(), allRequests == 0 ? 0 : (double)cell.Requests / allRequests);
}
