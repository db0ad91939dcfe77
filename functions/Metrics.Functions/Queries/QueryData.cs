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
    /// The performance report. Endpoints come from the endpoint family read without its users sketches; the summary and
    /// its distinct users from the filter's totals family (<see cref="QueryFilter.TotalsFamily"/>). Same totals either way
    /// (every family holds every event), far fewer bytes. Kept to an org or a model, there is no endpoint table to read.
    /// </summary>
    public async Task<(PerformanceReport Report, bool HasData)> PerformanceAsync(QueryWindow window, QueryFilter filter, CancellationToken cancellationToken)
    {
        var summaryFamily = filter.TotalsFamily;
        string[] families = filter.ByOrgOrModel ? [summaryFamily] : [Families.Endpoint, summaryFamily];
        var slices = await reader.ReadAsync(CellFormats.Requests, families, window, Grain.Week,
            distinctCountsOf: [summaryFamily], cancellationToken: cancellationToken);
        var summary = slices[summaryFamily];
        return (PerformanceReport.Build(slices.GetValueOrDefault(Families.Endpoint) ?? [], summary, filter), summary.Count > 0);
    }

    public Task<IReadOnlyDictionary<string, List<RollupSlice<UsageCell>>>> UsageAsync(QueryWindow window, Grain grain,
        CancellationToken cancellationToken, params string[] families) =>
        reader.ReadAsync(CellFormats.Usage, families, window, grain, cancellationToken: cancellationToken);
}
