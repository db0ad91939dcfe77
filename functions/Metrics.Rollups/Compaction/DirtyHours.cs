using Azure;
using Azure.Data.Tables;
using Metrics.Core.Ingestion;
using Metrics.Storage;

namespace Metrics.Rollups.Compaction;

/// <summary>
/// Markers for hours whose rollups are not final, in two partitions per kind: <c>{kind}</c> for hours with partials
/// (their hour rows are read, not their day's), <c>{kind}.raw</c> for hours to recompute from raw rows. Ingestion marks
/// after its rows are durable; compaction clears a marker only if its ETag is unchanged, so a write that lands during
/// a compaction keeps the hour marked for the next run.
/// </summary>
public sealed class DirtyHours(StorageAccount account)
{
    private const string RawSuffix = ".raw";

    /// <summary>Marks hours that got partials.</summary>
    public Task MarkAsync(EventKind kind, IEnumerable<DateTimeOffset> hours, CancellationToken cancellationToken = default) =>
        MarkAsync(hours.Distinct().Select(hour => new TableEntity(kind.Name(), HourBucket.Key(hour))), cancellationToken);

    /// <summary>
    /// Marks hours to recompute from raw rows stored before <paramref name="at"/> (see <see cref="DirtyHour.At"/>). A
    /// marker keeps the latest time any writer gave it, and every mark changes its ETag.
    /// </summary>
    public Task MarkRawAsync(EventKind kind, IEnumerable<DateTimeOffset> hours, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        account.WithTableAsync(TableNames.DirtyHours, async table =>
        {
            foreach (var hour in hours.Distinct())
                while (!await TryMarkRawAsync(table, kind.Name() + RawSuffix, HourBucket.Key(hour), at, cancellationToken).ConfigureAwait(false))
                {
                    // Another writer or a compaction changed the marker meanwhile: read it again.
                }
        }, cancellationToken);

    private static async Task<bool> TryMarkRawAsync(TableClient table, string partitionKey, string rowKey, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        var mark = new TableEntity(partitionKey, rowKey) { ["At"] = at };
        try
        {
            if (!existing.HasValue)
                await table.AddEntityAsync(mark, cancellationToken).ConfigureAwait(false);
            else
            {
                if (existing.Value!.GetDateTimeOffset("At") is { } later && later > at) mark["At"] = later;
                await table.UpdateEntityAsync(mark, existing.Value.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412 || e.ErrorCode == "ResourceNotFound")
        {
            return false;
        }
    }

    private async Task MarkAsync(IEnumerable<TableEntity> marks, CancellationToken cancellationToken)
    {
        // Replace (not merge) so every mark changes the ETag, even when the row already existed.
        await account.WithTableAsync(TableNames.DirtyHours, table => Parallel.ForEachAsync(marks,
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (mark, token) => await table.UpsertEntityAsync(mark, TableUpdateMode.Replace, token).ConfigureAwait(false)),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Both kinds of markers of <paramref name="kind"/>, in one query.</summary>
    public async Task<IReadOnlyList<DirtyHour>> ListAsync(EventKind kind, CancellationToken cancellationToken = default)
    {
        var table = await account.TableAsync(TableNames.DirtyHours, cancellationToken).ConfigureAwait(false);
        var hours = new List<DirtyHour>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {kind.Name()} or PartitionKey eq {kind.Name() + RawSuffix}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            hours.Add(new DirtyHour(kind, HourBucket.Parse(row.RowKey), row.ETag, row.PartitionKey != kind.Name(), row.GetDateTimeOffset("At") ?? default,
                row.GetBoolean("Folded") ?? false));
        return hours;
    }

    /// <summary>
    /// Says that the hour's partials are all folded, if no batch marked it since it was listed: the next compaction
    /// skips it until one does. Returns the marker as it now is, or null when a batch came.
    /// </summary>
    public async Task<DirtyHour?> SetFoldedAsync(DirtyHour hour, CancellationToken cancellationToken = default)
    {
        var table = await account.TableAsync(TableNames.DirtyHours, cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await table.UpdateEntityAsync(new TableEntity(hour.Kind.Name(), HourBucket.Key(hour.Hour)) { ["Folded"] = true }, hour.ETag,
                TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return hour with { ETag = response.Headers.ETag ?? ETag.All, Folded = true };
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return null;
        }
    }

    /// <summary>Clears the marker if no write came after it was listed; false when one did.</summary>
    public async Task<bool> ClearAsync(DirtyHour hour, CancellationToken cancellationToken = default)
    {
        var table = await account.TableAsync(TableNames.DirtyHours, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.DeleteEntityAsync(hour.Raw ? hour.Kind.Name() + RawSuffix : hour.Kind.Name(), HourBucket.Key(hour.Hour), hour.ETag, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false;
        }
    }

    /// <summary>Clears every marker of an hour before <paramref name="before"/>, whatever its ETag (nightly finalisation).</summary>
    public async Task<int> ClearBeforeAsync(EventKind kind, DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        var cleared = 0;
        foreach (var hour in (await ListAsync(kind, cancellationToken).ConfigureAwait(false)).Where(h => h.Hour < before))
        {
            await ClearAsync(hour with { ETag = ETag.All }, cancellationToken).ConfigureAwait(false);
            cleared++;
        }
        return cleared;
    }
}
