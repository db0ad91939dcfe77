using Azure.Data.Tables;
using Metrics.Core.Ingestion;
using Metrics.Storage;
using Metrics.Storage.Tables;

namespace Metrics.Rollups.Ingest;

/// <summary>
/// The batches whose write is complete: every partial of theirs landed (or their hours were marked to be recomputed from
/// raw rows). When a batch meets events stored already, their first write is looked up here: a complete one counted
/// them, so the batch sent again after a timeout, or overlapping an earlier one, costs one point read and nothing else.
/// Only a first write that stopped midway (or is still under way) leaves doubt that the raw rows alone can settle.
/// </summary>
/// <remarks>
/// One row per batch, written last, in a partition per kind and hour received, so the nightly run drops them by range
/// with the raw rows they vouch for. A write that stopped before this row is never taken for complete; the reverse
/// cannot happen, as nothing is written after it that counting depends on.
/// </remarks>
public sealed class BatchLedger(StorageAccount account)
{
    private const int ParallelReads = 4;

    /// <summary>Records that the batch's write is complete.</summary>
    public Task RecordCompleteAsync(EventKind kind, string batchId, DateTimeOffset receivedAt, CancellationToken cancellationToken = default) =>
        account.WithTableAsync(TableNames.Batches, table => table.UpsertEntityAsync(new TableEntity(PartitionOf(kind, receivedAt), batchId),
            TableUpdateMode.Replace, cancellationToken), cancellationToken);

    /// <summary>Those of the writes not known to be complete.</summary>
    public async Task<IReadOnlyList<FirstWrite>> IncompleteAsync(EventKind kind, IEnumerable<FirstWrite> writes, CancellationToken cancellationToken = default)
    {
        var table = await account.TableAsync(TableNames.Batches, cancellationToken).ConfigureAwait(false);
        var incomplete = new System.Collections.Concurrent.ConcurrentBag<FirstWrite>();
        await Parallel.ForEachAsync(writes.Distinct(), new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken },
            async (write, token) =>
            {
                var row = await table.GetEntityIfExistsAsync<TableEntity>(PartitionOf(kind, write.ReceivedAt), write.BatchId, select: ["RowKey"], token)
                    .ConfigureAwait(false);
                if (!row.HasValue) incomplete.Add(write);
            }).ConfigureAwait(false);
        return [.. incomplete];
    }

    /// <summary>Deletes the rows of batches received before <paramref name="before"/> (the raw rows they vouch for are gone).</summary>
    public async Task<long> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        var table = await account.TableAsync(TableNames.Batches, cancellationToken).ConfigureAwait(false);
        long deleted = 0;
        foreach (var kind in EventKinds.All)
            deleted += await PartitionSweeper.DeleteRangeAsync(table, kind.Name() + "-", PartitionOf(kind, before), cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    private static string PartitionOf(EventKind kind, DateTimeOffset receivedAt) => $"{kind.Name()}-{HourBucket.Key(receivedAt)}";
}
