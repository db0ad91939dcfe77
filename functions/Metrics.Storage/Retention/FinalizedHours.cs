using Azure;
using Azure.Data.Tables;
using Metrics.Core.Ingestion;

namespace Metrics.Storage.Retention;

/// <summary>
/// Hours whose rollups are final: recorded after their rollups are durable and before their raw rows
/// are deleted. A run that dies while deleting resumes deleting, and never recomputes an hour from
/// half its raw rows; compaction leaves these hours alone.
/// </summary>
public sealed class FinalizedHours(StorageAccount account)
{
    public const string Table = "FinalizedHours";

    public async Task MarkAsync(string kind, DateTimeOffset hour, CancellationToken cancellationToken = default) =>
        await account.WithTableAsync(Table, table => table.UpsertEntityAsync(new TableEntity(kind, HourBucket.Key(hour)),
            TableUpdateMode.Replace, cancellationToken), cancellationToken).ConfigureAwait(false);

    public async Task<HashSet<DateTimeOffset>> ListAsync(string kind, CancellationToken cancellationToken = default)
    {
        var table = await account.TableAsync(Table, cancellationToken).ConfigureAwait(false);
        var hours = new HashSet<DateTimeOffset>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {kind}"),
                           select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
            hours.Add(HourBucket.Parse(row.RowKey));
        return hours;
    }

    /// <summary>Forgets markers of hours older than <paramref name="before"/> (their rollups are pruned too).</summary>
    public async Task<int> ForgetBeforeAsync(string kind, DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        var table = await account.TableAsync(Table, cancellationToken).ConfigureAwait(false);
        var forgotten = 0;
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {kind} and RowKey lt {HourBucket.Key(before)}"),
                           select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            await table.DeleteEntityAsync(row, ETag.All, cancellationToken).ConfigureAwait(false);
            forgotten++;
        }
        return forgotten;
    }
}
