using Metrics.Core.Rollups;

namespace Metrics.Core.Queries;

public sealed record PerformanceSummary(long Requests, double AvgMs, double P50Ms, double P95Ms, double P99Ms, double ErrorRate, double ServerErrorRate,
    long ActiveUsers)
{
    /// <summary>
    /// How many countries the requests came from (requests without one are not a country); null when the answer is kept to an
    /// endpoint or a model, which the country rollups are not kept by.
    /// </summary>
    public long? Countries { get; init; }

    public static PerformanceSummary Of(RequestCell cell) => new(cell.Requests, cell.AverageMs, cell.PercentileMs(0.50),
        cell.PercentileMs(0.95), cell.PercentileMs(0.99), cell.ErrorRate, cell.ServerErrorRate, cell.Users.Estimate());

    /// <summary>The distinct countries with requests among slices of a country family (<see cref="QueryFilter.CountryFamily"/>), already filtered.</summary>
    public static long CountriesOf(IEnumerable<RollupSlice<RequestCell>> countrySlices) =>
        countrySlices.Where(s => s.Cell.Requests > 0 && s.Key.Value(1).Length > 0).Select(s => s.Key.Value(1)).Distinct(StringComparer.Ordinal).Count();
}
