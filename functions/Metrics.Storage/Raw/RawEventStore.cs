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
/// parallel. An insert fails as a whole if any of its events is stored already (a batch sent again): those rows are
/// then upserted (the last copy wins) and their hour marked to be recomputed from raw rows, since what they add cannot
/// be known without them;</item>
/// <item>for the other hours, one partial row per family and key (<see cref="RollupStore.WritePartialsAsync{TCell}"/>),
/// and a marker saying the hour has partials.</item>
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
        var sentAgain = new ConcurrentBag<int>();
        await account.WithTableAsync(TableNames.RawEvents(kind), table => Parallel.ForEachAsync(transactions,
            new ParallelOptions { MaxDegreeOfParallelism = ParallelTransactions, CancellationToken = cancellationToken },
            async (transaction, token) =>
            {
                if (await TryInsertAsync(table, transaction.Select(i => rows[i]), token).ConfigureAwait(false)) return;
                await table.SubmitTransactionAsync(transaction.Select(i => new TableTransactionAction(TableTransactionActionType.UpsertReplace, rows[i])),
                    token).ConfigureAwait(false);
                foreach (var i in transaction) sentAgain.Add(i);
            }),
            cancellationToken).ConfigureAwait(false);

        var recompute = sentAgain.Select(i => HourBucket.HourOf(timestamps[i])).ToHashSet();
        if (recompute.Count > 0) await dirtyHours.MarkRawAsync(kind, recompute, receivedAt, cancellationToken).ConfigureAwait(false);
        var partialHours = await WritePartialsAsync(format, Enumerable.Range(0, rows.Count).Where(i => !recompute.Contains(HourBucket.HourOf(timestamps[i]))),
            add, timestamps, receivedAt, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Inserts the rows of one partition; false, with nothing written, when any of them is stored already.</summary>
    private static async Task<bool> TryInsertAsync(TableClient table, IEnumerable<TableEntity> rows, CancellationToken cancellationToken)
    {
        try
        {
            await table.SubmitTransactionAsync(rows.Select(row => new TableTransactionAction(TableTransactionActionType.Add, row)), cancellationToken)
                .ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
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
