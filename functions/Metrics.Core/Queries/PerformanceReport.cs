using Metrics.Core.Rollups;

namespace Metrics.Core.Queries;

/// <summary><c>GET /api/metrics/performance</c>: the summary and every endpoint, slowest first.</summary>
public sealed record PerformanceReport(PerformanceSummary Summary, IReadOnlyList<EndpointPerformance> Endpoints)
{
    /// <summary>Whether the summary can count countries under <paramref name="filter"/>: the country rollups are not kept per endpoint or model.</summary>
    public static bool CountsCountries(QueryFilter filter) => filter.Unsupported(filter.CountryFamily) is null;

    /// <summary>
    /// Requests the summary counts and the endpoint table does not: none, unless the endpoint table comes from a family
    /// younger than the rows the summary reads (kept to an org or model, hours rolled up before the org endpoint family).
    /// </summary>
    public long RequestsWithoutEndpoint => Math.Max(0, Summary.Requests - Endpoints.Sum(e => e.Requests));

    /// <param name="endpointSlices">Slices of the filter's <see cref="QueryFilter.EndpointFamily"/>, whose keys start with
    /// (service, endpoint, method). Their users are not used.</param>
    /// <param name="summarySlices">What the summary is computed from, distinct users included: slices of the filter's
    /// <see cref="QueryFilter.TotalsFamily"/>.</param>
    /// <param name="countrySlices">Slices of the filter's <see cref="QueryFilter.CountryFamily"/>, for the summary's count of countries; null
    /// when the filter keeps to what countries are not kept by (the count is then null).</param>
    public static PerformanceReport Build(IEnumerable<RollupSlice<RequestCell>> endpointSlices, IEnumerable<RollupSlice<RequestCell>> summarySlices,
        QueryFilter filter, IEnumerable<RollupSlice<RequestCell>>? countrySlices = null)
    {
        var endpoints = Slices.Merge(endpointSlices.Where(s => filter.Includes(s.Key)),
                s => (Service: s.Key.Value(0), Endpoint: s.Key.Value(1), Method: s.Key.Value(2)))
            .Select(e => new EndpointPerformance(e.Key.Service, e.Key.Endpoint, e.Key.Method, e.Value.Requests, e.Value.AverageMs,
                e.Value.PercentileMs(0.50), e.Value.PercentileMs(0.95), e.Value.PercentileMs(0.99), e.Value.ErrorRate, e.Value.ServerErrorRate))
            .OrderByDescending(e => e.AvgMs).ThenBy(e => e.Service, StringComparer.Ordinal).ThenBy(e => e.Endpoint, StringComparer.Ordinal)
            .ThenBy(e => e.Method, StringComparer.Ordinal)
            .ToList();
        var summary = PerformanceSummary.Of(Slices.Total(summarySlices.Where(s => filter.Includes(s.Key)))) with
        {
            Countries = countrySlices is null ? null : PerformanceSummary.CountriesOf(countrySlices.Where(s => filter.Includes(s.Key))),
        };
        return new PerformanceReport(summary, endpoints);
    }
}
