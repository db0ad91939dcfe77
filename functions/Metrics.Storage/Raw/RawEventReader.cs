using Azure.Data.Tables;
using Metrics.Core.Ingestion;

namespace Metrics.Storage.Raw;

/// <summary>Reads the raw rows of one hour: all its shards in one PartitionKey range scan.</summary>
public sealed class RawEventReader(StorageAccount account)
{
    /// <summary>The hour's request events as stored (each event's first copy), streamed as their rows are read.</summary>
    public async IAsyncEnumerable<RequestEvent> ReadRequestsAsync(DateTimeOffset hour,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var row in ReadHourAsync(EventKinds.Requests, hour, cancellationToken).ConfigureAwait(false))
            yield return RawEntities.ToRequestEvent(row);
    }

    private async IAsyncEnumerable<TableEntity> ReadHourAsync(string kind, DateTimeOffset hour,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var table = await account.TableAsync(TableNames.RawEvents(kind), cancellationToken).ConfigureAwait(false);
        await foreach (var row in table.QueryAsync<TableEntity>(HourFilter(hour), cancellationToken: cancellationToken).ConfigureAwait(false))
            yield return row;
    }

    /// <summary>The hour's rollup cells, aggregated while its raw rows stream in; also how many rows were read.</summary>
    /// <param name="receivedBefore">Only rows received before this time (UTC ticks) are counted: later ones are in partials.</param>
    public async Task<(Dictionary<Core.Rollups.RollupKey, TCell> Cells, long RowsRead)> RollupHourAsync<TCell>(Rollups.CellFormat<TCell> format,
        DateTimeOffset hour, long receivedBefore = long.MaxValue, CancellationToken cancellationToken = default) where TCell : new()
    {
        var cells = new Dictionary<Core.Rollups.RollupKey, TCell>();
        long rows = 0;
        await foreach (var row in ReadHourAsync(format.Kind, hour, cancellationToken).ConfigureAwait(false))
        {
            rows++;
            if (receivedBefore != long.MaxValue && (row.GetDateTimeOffset("ReceivedAt")?.UtcTicks ?? 0) >= receivedBefore) continue;
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
}
