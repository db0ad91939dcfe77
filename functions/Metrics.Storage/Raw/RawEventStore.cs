using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Metrics.Core.Ingestion;
using Metrics.Core.Rollups;
using Metrics.Storage.Retention;
using Metrics.Storage.Rollups;
using Microsoft.Extensions.Options;

namespace Metrics.Storage.Raw;

/// <summary>
/// Writes accepted events durably, then what they add to their hours' rollups, so a query counts them without reading
/// raw rows:
/// <list type="number">
/// <item>raw rows are inserted in entity-group transactions of at most 100 rows of one partition, partitions in
/// parallel; an event stored already (a batch sent again) is left as it is, its first copy, and its hour marked to be
/// recomputed from raw rows;</item>
/// <item>what the events inserted add to their hours: one partial row per family and hour holding every key
/// (<see cref="RollupStore.WritePartialsAsync{TCell}"/>), then a marker saying the hour has partials.</item>
/// </list>
/// When this returns, every row is stored and will be counted once; when it throws, the caller acknowledges nothing.
/// </summary>
public sealed class RawEventStore(StorageAccount account, RollupStore rollups, DirtyHours dirtyHours, SourceFreshness freshness,
    FinalizedHours finalizedHours, TimeProvider time, IOptions<StorageOptions> options)
{
    public const int MaxTransactionSize = 100;
    private const int ParallelTransactions = 8;

    public Task WriteAsync(IReadOnlyList<RequestEvent> events, string batchId, DateTimeOffset receivedAt, CancellationToken cancellationToken = default) =>
        WriteAsync(CellFormats.Requests, events.Select(e => RawEntities.From(e, options.Value.Shards, batchId, receivedAt)).ToList(),
            (cells, i) => HourRollup.Add(cells, events[i]), events.Select(e => e.Timestamp).ToList(), receivedAt, cancellationToken);

    public Task WriteAsync(IReadOnlyList<UsageEvent> events, string batchId, DateTimeOffset receivedAt, CancellationToken cancellationToken = default) =>
        WriteAsync(CellFormats.Usage, events.Select(e => RawEntities.From(e, options.Value.Shards, batchId, receivedAt)).ToList(),
            (cells, i) => HourRollup.Add(cells, events[i]), events.Select(e => e.Timestamp).ToList(), receivedAt, cancellationToken);

    /// <param name="add">Adds the event at an index of <paramref name="rows"/> to rollup cells.</param>
    private async Task WriteAsync<TCell>(CellFormat<TCell> format, List<TableEntity> rows, Action<Dictionary<RollupKey, TCell>, int> add,
        List<DateTimeOffset> timestamps, DateTimeOffset receivedAt, CancellationToken cancellationToken) where TCell : new()
    {
        var kind = format.Kind;
        var transactions = Enumerable.Range(0, rows.Count).GroupBy(i => rows[i].PartitionKey, StringComparer.Ordinal)
            .SelectMany(partition => partition.Chunk(MaxTransactionSize)).ToList();
        var inserted = new ConcurrentBag<int>();
        var storedBefore = new ConcurrentBag<DateTimeOffset>();
        await account.WithTableAsync(TableNames.RawEvents(kind), table => Parallel.ForEachAsync(transactions,
            new ParallelOptions { MaxDegreeOfParallelism = ParallelTransactions, CancellationToken = cancellationToken },
            async (transaction, token) =>
            {
                var fresh = await InsertNewAsync(table, transaction, rows, token).ConfigureAwait(false);
                foreach (var i in fresh) inserted.Add(i);
                foreach (var i in transaction.Except(fresh)) storedBefore.Add(HourBucket.HourOf(timestamps[i]));
            }),
            cancellationToken).ConfigureAwait(false);

        // An event stored before may be from a request that failed after its raw rows and before its partials, and was
        // sent again for that reason: only its raw rows can say it, so its hour is recomputed from them.
        if (!storedBefore.IsEmpty)
            await dirtyHours.MarkRawAsync(kind, storedBefore.Distinct(), time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        var partialHours = await WritePartialsAsync(format, inserted, add, timestamps, receivedAt, cancellationToken).ConfigureAwait(false);
        await dirtyHours.MarkAsync(kind, partialHours, cancellationToken).ConfigureAwait(false);
        // A fold cuts at FoldDelay ago; a partial that took half of that to land might have been missed by one.
        var now = time.GetUtcNow();
        if (now - receivedAt > options.Value.FoldDelay / 2 && partialHours.Count > 0)
            await dirtyHours.MarkRawAsync(kind, partialHours, now, cancellationToken).ConfigureAwait(false);
        await freshness.RecordAsync(kind, timestamps.Max(), receivedAt, cancellationToken).ConfigureAwait(false);

        // The caller refused events before the finalisation boundary it read; if the nightly run moved the boundary past
        // some of them since, it may have read their hour without them. Rows and markers are stored, so a boundary read
        // now that has not moved comes before the run reads anything, and the run will count them.
        if (!LateEvents.AnyIn(timestamps, receivedAt)) return;
        var boundary = await finalizedHours.BoundaryAsync(kind, cancellationToken).ConfigureAwait(false);
        var missed = timestamps.Count(t => t < boundary);
        if (missed > 0) throw new FinalisedWhileStoringException(kind, boundary, missed);
    }

    /// <summary>
    /// Inserts the rows of one partition that are not stored yet; returns the indices of those it inserted. The usual batch
    /// is new and takes one insert. When some row exists (a batch sent again, or the same event in two batches at once),
    /// the insert fails as a whole: the rows found stored are dropped and the rest inserted again.
    /// </summary>
    private static async Task<int[]> InsertNewAsync(TableClient table, int[] chunk, List<TableEntity> rows, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (chunk.Length > 0)
                    await table.SubmitTransactionAsync(chunk.Select(i => new TableTransactionAction(TableTransactionActionType.Add, rows[i])), cancellationToken)
                        .ConfigureAwait(false);
                return chunk;
            }
            // Each round drops at least the row that failed, so this ends; a row inserted by another batch meanwhile costs a round.
            catch (RequestFailedException e) when (e.Status == 409 && attempt < MaxTransactionSize)
            {
                var stored = await StoredRowKeysAsync(table, chunk.Select(i => rows[i]).ToList(), cancellationToken).ConfigureAwait(false);
                chunk = chunk.Where(i => !stored.Contains(rows[i].RowKey)).ToArray();
            }
        }
    }

    /// <summary>Which of the rows (one partition) are stored: one query over the span of their row keys, keys only.</summary>
    private static async Task<HashSet<string>> StoredRowKeysAsync(TableClient table, List<TableEntity> rows, CancellationToken cancellationToken)
    {
        var keys = rows.Select(r => r.RowKey).ToHashSet(StringComparer.Ordinal);
        var (first, last) = (keys.Min(StringComparer.Ordinal)!, keys.Max(StringComparer.Ordinal)!);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {rows[0].PartitionKey} and RowKey ge {first} and RowKey le {last}");
        var stored = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
            if (keys.Contains(row.RowKey)) stored.Add(row.RowKey);
        return stored;
    }

    /// <summary>Writes each hour's partials, every family side by side; returns the hours written.</summary>
    private async Task<List<DateTimeOffset>> WritePartialsAsync<TCell>(CellFormat<TCell> format, IEnumerable<int> events,
        Action<Dictionary<RollupKey, TCell>, int> add, List<DateTimeOffset> timestamps, DateTimeOffset receivedAt, CancellationToken cancellationToken)
        where TCell : new()
    {
        var writeId = Guid.NewGuid();
        var hours = events.GroupBy(i => HourBucket.HourOf(timestamps[i])).ToList();
        var writes = hours.SelectMany(hour =>
        {
            var cells = new Dictionary<RollupKey, TCell>();
            foreach (var i in hour) add(cells, i);
            return Families.Of(format.Kind).Select(family => (hour.Key, family, cells: cells.Where(c => c.Key.Family == family)));
        }).ToList();
        await Parallel.ForEachAsync(writes, new ParallelOptions { MaxDegreeOfParallelism = ParallelTransactions, CancellationToken = cancellationToken },
            async (write, token) => await rollups.WritePartialsAsync(format, write.family, write.Key, receivedAt.UtcTicks, writeId, write.cells, token)
                .ConfigureAwait(false)).ConfigureAwait(false);
        return hours.Select(h => h.Key).ToList();
    }
}
