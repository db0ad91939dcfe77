using Metrics.Core.Queries;
using Metrics.Core.Rollups;
using Metrics.Storage.Rollups;

namespace Metrics.Functions.Queries;

/// <summary>The slices of request or usage rollups a query reads, by family.</summary>
public sealed class QueryData(RollupReader reader)
{
    public Task<IReadOnlyDictionary<string, List<RollupSlice<RequestCell>>>> RequestsAsync(QueryWindow window, Grain grain,
        CancellationToken cancellationToken, params string[] families) =>
        reader.ReadAsync(CellFormats.Requests, families, window, grain, cancellationToken);

    public Task<IReadOnlyDictionary<string, List<RollupSlice<UsageCell>>>> UsageAsync(QueryWindow window, Grain grain,
        CancellationToken cancellationToken, params string[] families) =>
        reader.ReadAsync(CellFormats.Usage, families, window, grain, cancellationToken);
}
