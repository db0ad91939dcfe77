using Azure;
using Azure.Data.Tables;
using Metrics.Core.Ingestion;
using Metrics.Storage;

namespace Metrics.Rollups.Retention;

/// <summary>
/// Hours whose rollups are final: recorded after their rollups are durable and before their raw rows
/// are deleted. A run that dies while deleting resumes deleting, and never recomputes an hour from
/// half its raw rows; compaction leaves these hours alone.
/// Before it reads any hour it will finalise, the nightly run moves a boundary past them
/// (<see cref="AdvanceBoundaryAsync"/>); ingestion refuses events before the boundary, and reads it again once it
/// has stored late events, so an event is either in the rows a finalisation reads or not acknowledged.
/// </summary>
public sealed class FinalisedHours(StorageAccount account)
{
    public const string Table = TableNames.FinalisedHours;
    public const string BoundaryPartition = "boundary";
    private const string Before = "Before";

    /// <summary>The start of the first hour not finalised: every hour before it is, or is being, finalised (MinValue: none).</summary>
    public async Task<DateTimeOffset> BoundaryAsync(EventKind kind, CancellationToken cancellationToken = default)
    {
        var table = await account.TableAsync(Table, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(BoundaryPartition, kind.Name(), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? row.Value!.GetDateTimeOffset(Before) ?? DateTimeOffset.MinValue : DateTimeOffset.MinValue;
    }

    /// <summary>Moves the boundary forward to <paramref name="before"/>; never back (only the nightly run, under its lease, calls this).</summary>
    public async Task AdvanceBoundaryAsync(EventKind kind, DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        if (await BoundaryAsync(kind, cancellationToken).ConfigureAwait(false) >= before) return;
        await account.WithTableAsync(Table, table => table.UpsertEntityAsync(new TableEntity(BoundaryPartition, kind.Name()) { [Before] = before },
            TableUpdateMode.Replace, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public async Task MarkAsync(EventKind kind, DateTimeOffset hour, CancellationToken cancellationToken = default) =>
        await account.WithTableAsync(Table, table => table.UpsertEntityAsync(new TableEntity(kind.Name(), HourBucket.Key(hour)),
            TableUpdateMode.Replace, cancellationToken), cancellationToken).ConfigureAwait(false);

    public async Task<HashSet<DateTimeOffset>> ListAsync(EventKind kind, CancellationToken cancellationToken = default)
    {
        var table = await account.TableAsync(Table, cancellationToken).ConfigureAwait(false);
        var hours = new HashSet<DateTimeOffset>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {kind.Name()}"),
                           select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
            hours.Add(HourBucket.Parse(row.RowKey));
        return hours;
    }

    /// <summary>Forgets markers of hours older than <paramref name="before"/> (their rollups are pruned too).</summary>
    public async Task<int> ForgetBeforeAsync(EventKind kind, DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        var table = await account.TableAsync(Table, cancellationToken).ConfigureAwait(false);
        var forgotten = 0;
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {kind.Name()} and RowKey lt {HourBucket.Key(before)}"),
                           select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            await table.DeleteEntityAsync(row, ETag.All, cancellationToken).ConfigureAwait(false);
            forgotten++;
        }
        return forgotten;
    }
}
