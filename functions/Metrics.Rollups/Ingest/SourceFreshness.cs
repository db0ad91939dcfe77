using System.Collections.Concurrent;
using Azure.Data.Tables;
using Metrics.Core.Ingestion;
using Metrics.Storage;

namespace Metrics.Rollups.Ingest;

/// <summary>
/// The newest event time per source, for the freshness every query reports. Written after a batch is
/// stored, and only when it moves the time forward as far as this instance knows, so most batches cost
/// nothing here. Across instances the last writer wins: the lag can read a little high, never low.
/// </summary>
public sealed class SourceFreshness(StorageAccount account)
{
    public const string Table = TableNames.Sources;
    private const string Partition = "source";
    private readonly ConcurrentDictionary<EventKind, DateTimeOffset> _written = new();

    public async Task RecordAsync(EventKind kind, DateTimeOffset lastEventAt, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        if (_written.TryGetValue(kind, out var known) && known >= lastEventAt) return;
        await account.WithTableAsync(Table, table => table.UpsertEntityAsync(
            new TableEntity(Partition, kind.Name()) { ["LastEventAt"] = lastEventAt, ["ReceivedAt"] = receivedAt },
            TableUpdateMode.Replace, cancellationToken), cancellationToken).ConfigureAwait(false);
        _written.AddOrUpdate(kind, lastEventAt, (_, previous) => previous > lastEventAt ? previous : lastEventAt);
    }

    public async Task<IReadOnlyDictionary<EventKind, Freshness>> ReadAsync(CancellationToken cancellationToken = default)
    {
        var table = await account.TableAsync(Table, cancellationToken).ConfigureAwait(false);
        var rows = new Dictionary<string, Freshness>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"),
                           cancellationToken: cancellationToken).ConfigureAwait(false))
            rows[row.RowKey] = new Freshness(row.GetDateTimeOffset("LastEventAt") ?? default, row.GetDateTimeOffset("ReceivedAt") ?? default);
        return EventKinds.All.Where(kind => rows.ContainsKey(kind.Name())).ToDictionary(kind => kind, kind => rows[kind.Name()]);
    }
}
