using Azure;
using Azure.Data.Tables;
using Metrics.Core.Ingestion;
using Metrics.Core.Rollups;
using Metrics.Rollups.Tables;
using Metrics.Storage;

namespace Metrics.Rollups.Ingest;

/// <summary>
/// The raw rows, in one table per day of event time (<see cref="RawDayTables"/>): rows inserted once each, and an hour's
/// rows read back as one PartitionKey range scan over all its shards.
/// </summary>
public sealed class RawRows(StorageAccount account, RawDayTables tables)
{
    /// <summary>Transactions in flight at once for one write.</summary>
    private const int ParallelTransactions = 8;

    /// <summary>
    /// Inserts the rows not stored yet, in entity-group transactions of at most 100 rows of one partition, partitions in
    /// parallel. The rows stored already (a batch sent again, or the same event in two batches at once) are left as they
    /// are, their first copy; the result says which write stored each of them.
    /// </summary>
    internal async Task<RawInsert> InsertNewAsync(EventKind kind, IReadOnlyList<TableEntity> rows, CancellationToken cancellationToken)
    {
        // A partition is one hour of one day, so each transaction goes to exactly one day's table.
        var transactions = Enumerable.Range(0, rows.Count).GroupBy(i => rows[i].PartitionKey, StringComparer.Ordinal)
            .SelectMany(partition => partition.Chunk(StorageAccount.MaxTransactionActions)).ToList();
        var inserted = new System.Collections.Concurrent.ConcurrentBag<int>();
        var storedBefore = new System.Collections.Concurrent.ConcurrentDictionary<int, FirstWrite>();
        // Usually one day; its table is created on its first write and then cached (StorageAccount.TableAsync).
        foreach (var day in transactions.GroupBy(t => RawDayTables.DayOf(rows[t[0]].PartitionKey)))
            await account.WithTableAsync(TableNames.RawEvents(kind, day.Key), table => Parallel.ForEachAsync(day,
                new ParallelOptions { MaxDegreeOfParallelism = ParallelTransactions, CancellationToken = cancellationToken },
                async (transaction, token) =>
                {
                    var (added, found) = await InsertNewAsync(table, transaction, rows, token).ConfigureAwait(false);
                    foreach (var i in added) inserted.Add(i);
                    foreach (var (i, write) in found) storedBefore[i] = write;
                }),
                cancellationToken).ConfigureAwait(false);
        return new RawInsert(inserted, storedBefore);
    }

    /// <summary>The hour's request events as stored (each event's first copy), streamed as their rows are read.</summary>
    public async IAsyncEnumerable<RequestEvent> ReadRequestsAsync(DateTimeOffset hour,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var row in ReadHourAsync(EventKind.Requests, hour, cancellationToken).ConfigureAwait(false))
            yield return RawEntities.ToRequestEvent(row);
    }

    /// <summary>The hour's rollup cells, aggregated while its raw rows stream in; also how many rows were read.</summary>
    /// <param name="receivedBefore">Only rows received before this position are counted: later ones are in partials.</param>
    internal async Task<(Dictionary<RollupKey, TCell> Cells, long RowsRead)> RollupHourAsync<TCell>(CellFormat<TCell> format,
        DateTimeOffset hour, FoldPosition receivedBefore, CancellationToken cancellationToken = default) where TCell : new()
    {
        var cells = new Dictionary<RollupKey, TCell>();
        long rows = 0;
        await foreach (var row in ReadHourAsync(format.Kind, hour, cancellationToken).ConfigureAwait(false))
        {
            rows++;
            if (!receivedBefore.IsEnd && FoldPosition.At(row.GetDateTimeOffset("ReceivedAt") ?? default) >= receivedBefore) continue;
            format.AddRawRow(cells, row);
        }
        return (cells, rows);
    }

    /// <summary>'-' sorts just before '.', so this range holds exactly the hour's shard partitions.</summary>
    public static string HourFilter(DateTimeOffset hour)
    {
        var key = HourBucket.Key(hour);
        return TableClient.CreateQueryFilter($"PartitionKey ge {key + "-"} and PartitionKey lt {key + "."}");
    }

    private async IAsyncEnumerable<TableEntity> ReadHourAsync(EventKind kind, DateTimeOffset hour,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var row in tables.ReadAsync(kind, hour, HourFilter(hour), cancellationToken).ConfigureAwait(false))
            yield return row;
    }

    /// <summary>
    /// Inserts the rows of one partition that are not stored yet; returns the indices of those it inserted, and of those
    /// stored already the write that stored them. The usual batch is new and takes one insert. When some row exists, the
    /// insert fails as a whole: the rows found stored are dropped and the rest inserted again.
    /// </summary>
    private static async Task<(int[] Inserted, Dictionary<int, FirstWrite> StoredBefore)> InsertNewAsync(TableClient table, int[] chunk,
        IReadOnlyList<TableEntity> rows, CancellationToken cancellationToken)
    {
        var storedBefore = new Dictionary<int, FirstWrite>();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (chunk.Length > 0)
                    await table.SubmitTransactionAsync(chunk.Select(i => new TableTransactionAction(TableTransactionActionType.Add, rows[i])), cancellationToken)
                        .ConfigureAwait(false);
                return (chunk, storedBefore);
            }
            // Each round drops at least the row that failed, so this ends; a row inserted by another batch meanwhile costs a round.
            catch (RequestFailedException e) when (e.Status == 409 && attempt < StorageAccount.MaxTransactionActions)
            {
                var stored = await StoredRowsAsync(table, chunk.Select(i => rows[i]).ToList(), cancellationToken).ConfigureAwait(false);
                foreach (var i in chunk)
                    if (stored.TryGetValue(rows[i].RowKey, out var write)) storedBefore[i] = write;
                chunk = chunk.Where(i => !stored.ContainsKey(rows[i].RowKey)).ToArray();
            }
        }
    }

    /// <summary>Which of the rows (one partition) are stored, and by which write: one query over the span of their row keys.</summary>
    private static async Task<Dictionary<string, FirstWrite>> StoredRowsAsync(TableClient table, List<TableEntity> rows, CancellationToken cancellationToken)
    {
        var keys = rows.Select(r => r.RowKey).ToHashSet(StringComparer.Ordinal);
        var (first, last) = (keys.Min(StringComparer.Ordinal)!, keys.Max(StringComparer.Ordinal)!);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {rows[0].PartitionKey} and RowKey ge {first} and RowKey le {last}");
        var stored = new Dictionary<string, FirstWrite>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["RowKey", "BatchId", "ReceivedAt"], cancellationToken: cancellationToken)
                           .ConfigureAwait(false))
            if (keys.Contains(row.RowKey))
                stored[row.RowKey] = new FirstWrite(row.GetString("BatchId") ?? "", row.GetDateTimeOffset("ReceivedAt") ?? default);
        return stored;
    }
}
