using Azure.Data.Tables;
using Metrics.Core.Ingestion;
using Microsoft.Extensions.Options;

namespace Metrics.Storage.Raw;

/// <summary>
/// Writes accepted events durably: upserts in entity-group transactions of at most 100 rows of one
/// partition, partitions in parallel, then marks each touched hour dirty. When this returns, every row
/// is stored; when it throws, the caller acknowledges nothing.
/// </summary>
public sealed class RawEventStore(StorageAccount account, DirtyHours dirtyHours, SourceFreshness freshness, IOptions<StorageOptions> options)
{
    public const int MaxTransactionSize = 100;
    private const int ParallelTransactions = 8;

    public Task WriteAsync(IReadOnlyList<RequestEvent> events, string batchId, DateTimeOffset receivedAt, CancellationToken cancellationToken = default) =>
        WriteAsync(EventKinds.Requests, events.Select(e => RawEntities.From(e, options.Value.Shards, batchId, receivedAt)),
            events.Select(e => HourBucket.HourOf(e.Timestamp)), events.Max(e => e.Timestamp), receivedAt, cancellationToken);

    public Task WriteAsync(IReadOnlyList<UsageEvent> events, string batchId, DateTimeOffset receivedAt, CancellationToken cancellationToken = default) =>
        WriteAsync(EventKinds.Usage, events.Select(e => RawEntities.From(e, options.Value.Shards, batchId, receivedAt)),
            events.Select(e => HourBucket.HourOf(e.Timestamp)), events.Max(e => e.Timestamp), receivedAt, cancellationToken);

    private async Task WriteAsync(string kind, IEnumerable<TableEntity> rows, IEnumerable<DateTimeOffset> hours,
        DateTimeOffset lastEventAt, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var transactions = rows.GroupBy(row => row.PartitionKey, StringComparer.Ordinal)
            .SelectMany(partition => partition.Chunk(MaxTransactionSize)).ToList();
        await account.WithTableAsync(TableNames.RawEvents(kind), table => Parallel.ForEachAsync(transactions,
            new ParallelOptions { MaxDegreeOfParallelism = ParallelTransactions, CancellationToken = cancellationToken },
            async (transaction, token) => await table.SubmitTransactionAsync(
                transaction.Select(row => new TableTransactionAction(TableTransactionActionType.UpsertReplace, row)), token).ConfigureAwait(false)),
            cancellationToken).ConfigureAwait(false);
        await dirtyHours.MarkAsync(kind, hours, cancellationToken).ConfigureAwait(false);
        await freshness.RecordAsync(kind, lastEventAt, receivedAt, cancellationToken).ConfigureAwait(false);
    }
}
