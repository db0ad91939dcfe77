using Azure;
using Azure.Data.Tables;

namespace Metrics.Storage.Admin;

/// <summary>
/// Lists that an admin replaces as a whole (the roster, the prices), one row per item in one partition.
/// New rows are written before old ones are deleted, so a reader never sees the list empty while it changes.
/// </summary>
internal static class WholePartition
{
    private const int MaxTransactionSize = 100;

    public static async Task<List<TableEntity>> ReadAsync(StorageAccount account, string tableName, string partition, CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        await account.WithTableAsync(tableName, async table =>
        {
            rows.Clear();
            await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken).ConfigureAwait(false))
                rows.Add(row);
        }, cancellationToken).ConfigureAwait(false);
        return rows;
    }

    public static async Task ReplaceAsync(StorageAccount account, string tableName, string partition, IReadOnlyList<TableEntity> rows,
        CancellationToken cancellationToken)
    {
        var kept = rows.Select(row => row.RowKey).ToHashSet(StringComparer.Ordinal);
        var old = await ReadAsync(account, tableName, partition, cancellationToken).ConfigureAwait(false);
        var upserts = rows.Select(row => new TableTransactionAction(TableTransactionActionType.UpsertReplace, row));
        var deletes = old.Where(row => !kept.Contains(row.RowKey))
            .Select(row => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, row.RowKey), ETag.All));
        await account.WithTableAsync(tableName, async table =>
        {
            foreach (var chunk in upserts.Chunk(MaxTransactionSize))
                await table.SubmitTransactionAsync(chunk, cancellationToken).ConfigureAwait(false);
            foreach (var chunk in deletes.Chunk(MaxTransactionSize))
                await DeleteAsync(table, chunk, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task DeleteAsync(TableClient table, TableTransactionAction[] deletes, CancellationToken cancellationToken)
    {
        try
        {
            await table.SubmitTransactionAsync(deletes, cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException e) when (e.Status == 404)
        {
            // Someone else replaced the list at the same time and deleted some of these first: one by one, a row already gone is fine.
            foreach (var delete in deletes)
                await table.DeleteEntityAsync(delete.Entity.PartitionKey, delete.Entity.RowKey, ETag.All, cancellationToken).ConfigureAwait(false);
        }
    }
}
