using Azure.Data.Tables;

namespace Metrics.Storage.Tables;

/// <summary>
/// Finds and deletes rows by PartitionKey range, page by page and partition by partition in
/// transactions of up to 100, so memory stays bounded whatever the volume.
/// </summary>
public static class PartitionSweeper
{
    /// <summary>The distinct partition keys in [<paramref name="from"/>, <paramref name="before"/>).</summary>
    public static async Task<SortedSet<string>> PartitionsAsync(TableClient table, string from, string before, CancellationToken cancellationToken)
    {
        var partitions = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey ge {from} and PartitionKey lt {before}"),
                           select: ["PartitionKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
            partitions.Add(row.PartitionKey);
        return partitions;
    }

    /// <summary>Deletes every row whose PartitionKey is in [<paramref name="from"/>, <paramref name="before"/>); returns how many.</summary>
    public static async Task<long> DeleteRangeAsync(TableClient table, string from, string before, CancellationToken cancellationToken)
    {
        long deleted = 0;
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {from} and PartitionKey lt {before}");
        // Read a page, delete it, read again from the start: deleting while paging could skip rows.
        while (true)
        {
            var page = new List<TableEntity>();
            await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", "RowKey"],
                               cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                page.Add(row);
                if (page.Count == 1000) break;
            }
            if (page.Count == 0) return deleted;
            var transactions = page.GroupBy(r => r.PartitionKey).SelectMany(p => p.Chunk(StorageAccount.MaxTransactionActions));
            await Parallel.ForEachAsync(transactions, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
                // Another run sweeping the same range may have deleted some of them: that is done, not a failure.
                async (transaction, token) => await RowDeletes.DeleteTogetherAsync(table, [.. transaction], token).ConfigureAwait(false)).ConfigureAwait(false);
            deleted += page.Count;
        }
    }

    /// <summary>How many rows the table holds (keys only are read).</summary>
    public static async Task<long> CountAsync(TableClient table, CancellationToken cancellationToken)
    {
        long count = 0;
        await foreach (var page in table.QueryAsync<TableEntity>(select: ["PartitionKey"], maxPerPage: 1000, cancellationToken: cancellationToken)
                           .AsPages().ConfigureAwait(false))
            count += page.Values.Count;
        return count;
    }
}
