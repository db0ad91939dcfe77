using Azure.Data.Tables;

namespace Metrics.Benchmarks;

/// <summary>Counts what a table really holds, reading keys only.</summary>
internal static class StoredRows
{
    private static readonly string[] KeysOnly = ["PartitionKey", "RowKey"];

    public static async Task<long> CountAsync(TableClient table, CancellationToken cancellationToken = default)
    {
        long rows = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(filter: (string?)null, maxPerPage: 1000, select: KeysOnly, cancellationToken))
            rows++;
        return rows;
    }
}
