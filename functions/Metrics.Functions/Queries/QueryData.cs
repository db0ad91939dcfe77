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
    /// The performance report. Endpoints come from the endpoint family read without its users sketches; the
    /// summary and its distinct users from the service family, or, filtered to an endpoint, from the endpoint
    /// family with them. Same totals either way (every family holds every event), far fewer bytes.
    /// </summary>
    public async Task<(PerformanceReport Report, bool HasData)> PerformanceAsync(QueryWindow window, string? service, string? endpoint,
        CancellationToken cancellationToken)
    {
        var summaryFamily = endpoint is null ? Families.Service : Families.Endpoint;
        string[] families = endpoint is null ? [Families.Endpoint, Families.Service] : [Families.Endpoint];
        var slices = await reader.ReadAsync(CellFormats.Requests, families, window, Grain.Week,
            distinctCountsOf: [summaryFamily], cancellationToken: cancellationToken);
        var endpoints = slices[Families.Endpoint];
        return (PerformanceReport.Build(endpoints, slices[summaryFamily], service, endpoint), endpoints.Count > 0);
    }

    public Task<IReadOnlyDictionary<string, List<RollupSlice<UsageCell>>>> UsageAsync(QueryWindow window, Grain grain,
        CancellationToken cancellationToken, params string[] families) =>
        reader.ReadAsync(CellFormats.Usage, families, window, grain, cancellationToken: cancellationToken);
}
