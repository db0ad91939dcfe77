using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Metrics.Core.Ingestion;
using Metrics.Storage;

namespace Metrics.Rollups.Ingest;

/// <summary>
/// The batches whose write is complete: every partial of theirs landed (or their hours were marked to be recomputed from
/// raw rows). When a batch meets events stored already, their first write is looked up here: a complete one counted
/// them, so the batch sent again after a timeout, or overlapping an earlier one, costs one point read and nothing else.
/// Only a first write that stopped midway (or is still under way) leaves doubt that the raw rows alone can settle.
/// </summary>
/// <remarks>
/// One row per batch, written last, in a table per day received (partition per kind and hour), so the nightly run drops a
/// day of them with one request, a day after the raw rows they vouch for. A write that stopped before this row is never
/// taken for complete; the reverse cannot happen, as nothing is written after it that counting depends on. A row missing
/// for any other reason (its table deleted) only costs the hour a recompute.
/// </remarks>
public sealed class BatchLedger(StorageAccount account)
{
    private const int ParallelReads = 4;

    /// <summary>Records that the batch's write is complete.</summary>
    public Task RecordCompleteAsync(EventKind kind, string batchId, DateTimeOffset receivedAt, CancellationToken cancellationToken = default) =>
        account.WithTableAsync(TableNames.CompleteBatches(DayOf(receivedAt)), table => table.UpsertEntityAsync(
            new TableEntity(PartitionOf(kind, receivedAt), batchId), TableUpdateMode.Replace, cancellationToken), cancellationToken);

    /// <summary>Those of the writes not known to be complete.</summary>
    public async Task<IReadOnlyList<FirstWrite>> IncompleteAsync(EventKind kind, IEnumerable<FirstWrite> writes, CancellationToken cancellationToken = default)
    {
        var incomplete = new System.Collections.Concurrent.ConcurrentBag<FirstWrite>();
        await Parallel.ForEachAsync(writes.Distinct(), new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken },
            async (write, token) =>
            {
                if (!await IsCompleteAsync(kind, write, token).ConfigureAwait(false)) incomplete.Add(write);
            }).ConfigureAwait(false);
        return [.. incomplete];
    }

    /// <summary>Deletes the tables of days received before <paramref name="before"/>'s day: one request a day.</summary>
    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        var deleted = 0;
        var names = await account.TableNamesAsync(TableNames.Batches, cancellationToken).ConfigureAwait(false);
        foreach (var (name, _) in TableNames.DayTables(names, TableNames.Batches).Where(table => table.Day < DayOf(before)))
        {
            await account.DeleteTableAsync(name, cancellationToken).ConfigureAwait(false);
            deleted++;
        }
        return deleted;
    }

    private async Task<bool> IsCompleteAsync(EventKind kind, FirstWrite write, CancellationToken cancellationToken)
    {
        // Read without creating: a day with no table has no complete batch.
        var table = account.ExistingTable(TableNames.CompleteBatches(DayOf(write.ReceivedAt)));
        try
        {
            return (await table.GetEntityIfExistsAsync<TableEntity>(PartitionOf(kind, write.ReceivedAt), write.BatchId, select: ["RowKey"], cancellationToken)
                .ConfigureAwait(false)).HasValue;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    private static DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    private static string PartitionOf(EventKind kind, DateTimeOffset receivedAt) => $"{kind.Name()}-{HourBucket.Key(receivedAt)}";
}
