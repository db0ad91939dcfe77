using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Metrics.Core.Ingestion;
using Metrics.Storage;

namespace Metrics.Rollups.Ingest;

/// <summary>
/// Raw rows live in one table per UTC day of event time (<see cref="TableNames.RawEvents(EventKind, DateOnly)"/>), so the
/// nightly run expires a whole day with one Delete Table request, whatever its rows (Azure's table design guide, "high
/// volume delete pattern"). Rows of the single table used before (<see cref="TableNames.RawEvents(EventKind)"/>) are
/// still read until the nightly run has swept them.
/// </summary>
public sealed class RawDayTables(StorageAccount account)
{
    /// <summary>The day table an event of <paramref name="hour"/> is stored in.</summary>
    public static DateOnly DayOf(DateTimeOffset hour) => DateOnly.FromDateTime(hour.UtcDateTime);

    /// <summary>The day a raw partition key (<c>yyyyMMddHH-ss</c>) belongs to.</summary>
    public static DateOnly DayOf(string partitionKey) =>
        DateOnly.ParseExact(partitionKey.AsSpan(0, 8), "yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>
    /// The rows of a PartitionKey range of one hour: from the hour's day table, then from the legacy single table. A
    /// missing table reads as empty and is not created: a read must never bring back a table the nightly run deleted.
    /// </summary>
    public async IAsyncEnumerable<TableEntity> ReadAsync(EventKind kind, DateTimeOffset hour, string filter,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var name in new[] { TableNames.RawEvents(kind, DayOf(hour)), TableNames.RawEvents(kind) })
        {
            var table = account.ExistingTable(name);
            await using var rows = table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                try
                {
                    if (!await rows.MoveNextAsync().ConfigureAwait(false)) break;
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                    break;
                }
                yield return rows.Current;
            }
        }
    }

    /// <summary>The days that have a raw table of <paramref name="kind"/>, oldest first: one table listing.</summary>
    public async Task<List<DateOnly>> DaysAsync(EventKind kind, CancellationToken cancellationToken = default)
    {
        var legacy = TableNames.RawEvents(kind);
        var names = await account.TableNamesAsync(legacy, cancellationToken).ConfigureAwait(false);
        return [.. TableNames.DayTables(names, legacy).Select(table => table.Day).Order()];
    }

    /// <summary>
    /// Deletes a day's table with every row in it: one request. On Azure the name stays unusable for a while after
    /// (409 TableBeingDeleted, about 40 s); that is fine because only days whose every hour is finalised are deleted, and
    /// ingestion refuses events of finalised hours (<see cref="Retention.FinalisedHours"/>), so the day is never written
    /// again. A write that raced the finalisation fails or lands in a new table of that day, which is not acknowledged
    /// and is deleted by the next night's run.
    /// </summary>
    public Task DeleteAsync(EventKind kind, DateOnly day, CancellationToken cancellationToken = default) =>
        account.DeleteTableAsync(TableNames.RawEvents(kind, day), cancellationToken);
}
