using Azure;
using Azure.Data.Tables;

namespace Metrics.Storage.Tables;

/// <summary>
/// Deletes rows in transactions of up to 100 per partition, where a row already gone counts as deleted. Several
/// instances may run the same clean-up at once (a compaction or a nightly run started on each): a transaction
/// fails as a whole when one of its rows is missing (404), so the missing row is dropped and the rest sent again.
/// </summary>
public static class RowDeletes
{
    /// <summary>Deletes the rows whatever their ETag; answers how many are gone now (deleted here or by another run).</summary>
    public static async Task<int> DeleteAsync(TableClient table, IEnumerable<ITableEntity> rows, CancellationToken cancellationToken = default)
    {
        var gone = 0;
        foreach (var transaction in rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal).SelectMany(p => p.Chunk(StorageAccount.MaxTransactionActions)))
        {
            await DeleteTogetherAsync(table, transaction.ToList(), cancellationToken).ConfigureAwait(false);
            gone += transaction.Length;
        }
        return gone;
    }

    /// <summary>Deletes rows of one partition (at most 100) in one transaction, without those another run deleted first.</summary>
    public static async Task DeleteTogetherAsync(TableClient table, List<ITableEntity> rows, CancellationToken cancellationToken = default)
    {
        while (rows.Count > 0)
        {
            try
            {
                await table.SubmitTransactionAsync(rows.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)),
                    cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (TableTransactionFailedException e) when (e.Status == 404 && e.FailedTransactionActionIndex is int missing && missing < rows.Count)
            {
                rows.RemoveAt(missing);
            }
            catch (TableTransactionFailedException e) when (e.Status == 404)
            {
                // The store did not say which row is missing: delete them one by one, each treating 404 as done.
                foreach (var row in rows) await DeleteOneAsync(table, row, cancellationToken).ConfigureAwait(false);
                return;
            }
        }
    }

    private static async Task DeleteOneAsync(TableClient table, ITableEntity row, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Gone already: what this delete was for.
        }
    }
}
