using Azure.Data.Tables;
using Metrics.Core.Ingestion;
using Metrics.Storage.Retention;
using Microsoft.Extensions.Options;

namespace Metrics.Storage.Raw;

/// <summary>
/// Writes accepted events durably: upserts in entity-group transactions of at most 100 rows of one
/// partition, partitions in parallel, then marks each touched hour dirty. When this returns, every row
/// is stored and will be counted; when it throws, the caller acknowledges nothing.
/// </summary>
public sealed class RawEventStore(StorageAccount account, DirtyHours dirtyHours, SourceFreshness freshness, FinalizedHours finalizedHours,
    IOptions<StorageOptions> options)
{
    public const int MaxTransactionSize = 100;
    private const int ParallelTransactions = 8;

    public Task WriteAsync(IReadOnlyList<RequestEvent> events, string batchId, DateTimeOffset receivedAt, CancellationToken cancellationToken = default) =>
        WriteAsync(EventKinds.Requests, events.Select(e => RawEntities.From(e, options.Value.Shards, batchId, receivedAt)),
            events.Select(e => e.Timestamp).ToList(), receivedAt, cancellationToken);

    public Task WriteAsync(IReadOnlyList<UsageEvent> events, string batchId, DateTimeOffset receivedAt, CancellationToken cancellationToken = default) =>
        WriteAsync(EventKinds.Usage, events.Select(e => RawEntities.From(e, options.Value.Shards, batchId, receivedAt)),
            events.Select(e => e.Timestamp).ToList(), receivedAt, cancellationToken);

    private async Task WriteAsync(string kind, IEnumerable<TableEntity> rows, List<DateTimeOffset> timestamps,
        DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var transactions = rows.GroupBy(row => row.PartitionKey, StringComparer.Ordinal)
            .SelectMany(partition => partition.Chunk(MaxTransactionSize)).ToList();
        await account.WithTableAsync(TableNames.RawEvents(kind), table => Parallel.ForEachAsync(transactions,
            new ParallelOptions { MaxDegreeOfParallelism = ParallelTransactions, CancellationToken = cancellationToken },
            async (transaction, token) => await table.SubmitTransactionAsync(
                transaction.Select(row => new TableTransactionAction(TableTransactionActionType.UpsertReplace, row)), token).ConfigureAwait(false)),
            cancellationToken).ConfigureAwait(false);
        await dirtyHours.MarkAsync(kind, timestamps.Select(HourBucket.HourOf), cancellationToken).ConfigureAwait(false);
        await freshness.RecordAsync(kind, timestamps.Max(), receivedAt, cancellationToken).ConfigureAwait(false);

        // The caller refused events before the finalisation boundary it read; if the nightly run moved the boundary past
        // some of them since, it may have read their hour without them. Rows and markers are stored, so a boundary read
        // now that has not moved comes before the run reads anything, and the run will count them.
        if (!LateEvents.AnyIn(timestamps, receivedAt)) return;
        var boundary = await finalizedHours.BoundaryAsync(kind, cancellationToken).ConfigureAwait(false);
        var missed = timestamps.Count(t => t < boundary);
        if (missed > 0) throw new FinalisedWhileStoringException(kind, boundary, missed);
    }
}
