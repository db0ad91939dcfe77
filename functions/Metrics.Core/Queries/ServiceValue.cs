using Metrics.Core.Pricing;
using Metrics.Core.Rollups;

namespace Metrics.Core.Queries;

/// <summary><c>GET /api/metrics/value</c>: one number for one service (or all), for dashboards and alerts.</summary>
public static class ServiceValue
{
    public static readonly IReadOnlyList<string> Metrics =
        ["requests", "errors", "errorRate", "avgMs", "p50Ms", "p95Ms", "p99Ms", "cpuMs", "gpuMs", "units", "spend", "syncRequests", "asyncRequests", "users", "countries"];

    /// <param name="serviceSlices">Slices of <see cref="Families.Service"/> for the service.</param>
    /// <param name="countrySlices">Slices of the filter's country family (<see cref="QueryFilter.CountryFamily"/>) for the service (only read for <c>countries</c>).</param>
    public static decimal Of(string metric, IReadOnlyList<RollupSlice<RequestCell>> serviceSlices,
        IReadOnlyList<RollupSlice<RequestCell>> countrySlices, PriceList prices)
    {
        var cell = Slices.Total(serviceSlices);
        return metric switch
        {
            "requests" => cell.Requests,
            "errors" => cell.Errors,
            "errorRate" => (decimal)cell.ErrorRate,
            "avgMs" => (decimal)cell.AverageMs,
            "p50Ms" => (decimal)cell.PercentileMs(0.50),
            "p95Ms" => (decimal)cell.PercentileMs(0.95),
            "p99Ms" => (decimal)cell.PercentileMs(0.99),
            "cpuMs" => (decimal)cell.CpuMs,
            "gpuMs" => (decimal)cell.GpuMs,
            "units" => cell.Units,
            "spend" => serviceSlices.Sum(s => s.Cell.Spend(prices, s.Start)),
            "syncRequests" => cell.SyncRequests,
            "asyncRequests" => cell.AsyncRequests,
            "users" => cell.Users.Estimate(),
            "countries" => PerformanceSummary.CountriesOf(countrySlices),
            _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "not a metric"),
        };
    }
}
