using Metrics.Core.Queries;
using Metrics.Core.Rollups;
using Metrics.Storage.Rollups;

namespace Metrics.Functions.Queries;

/// <summary>The slices of request or usage rollups a query reads, by family.</summary>
public sealed class QueryData(RollupReader reader)
{
    public Task<IReadOnlyDictionary<string, List<RollupSlice<RequestCell>>>> RequestsAsync(QueryWindow window, Grain grain,
        CancellationToken cancellationToken, params string[] families) =>
        reader.ReadAsync(CellFormats.Requests, families, window, grain, cancellationToken: cancellationToken);

    /// <summary>
    /// The performance report. Endpoints come from the filter's endpoint family read without its users sketches; the
    /// summary and its distinct users from its totals family (<see cref="QueryFilter.TotalsFamily"/>). Same totals either
    /// way (every family holds every event), far fewer bytes.
    /// </summary>
    public async Task<(PerformanceReport Report, bool HasData)> PerformanceAsync(QueryWindow window, QueryFilter filter, CancellationToken cancellationToken)
    {
        var summaryFamily = filter.TotalsFamily;
        string[] families = [filter.EndpointFamily, summaryFamily];
        var slices = await reader.ReadAsync(CellFormats.Requests, families, window, Grain.Week,
            distinctCountsOf: [summaryFamily], cancellationToken: cancellationToken);
        var summary = slices[summaryFamily];
        return (PerformanceReport.Build(slices[filter.EndpointFamily], summary, filter), summary.Count > 0);
    }

    public Task<IReadOnlyDictionary<string, List<RollupSlice<UsageCell>>>> UsageAsync(QueryWindow window, Grain grain,
        CancellationToken cancellationToken, params string[] families) =>
        reader.ReadAsync(CellFormats.Usage, families, window, grain, cancellationToken: cancellationToken);
}
