using Azure;
using Azure.Data.Tables;
using Metrics.Core.Ingestion;

namespace Metrics.Storage.Raw;

/// <summary>An hour of one kind whose rollups are stale; the ETag proves nobody wrote since it was read.</summary>
public sealed record DirtyHour(string Kind, DateTimeOffset Hour, ETag ETag);

/// <summary>
/// Markers for hours whose raw rows changed after their rollups were computed. Ingestion marks after
/// its raw rows are durable; compaction clears a marker only if its ETag is unchanged, so a write that
/// lands during a recompute keeps the hour dirty for the next run.
/// </summary>
public sealed class DirtyHours(StorageAccount account)
{
    public async Task MarkAsync(string kind, IEnumerable<DateTimeOffset> hours, CancellationToken cancellationToken = default)
    {
        var marks = hours.Distinct().Select(hour => new TableEntity(kind, HourBucket.Key(hour))).ToList();
        // Replace (not merge) so every mark changes the ETag, even when the row already existed.
        await account.WithTableAsync(TableNames.DirtyHours, table => Parallel.ForEachAsync(marks,
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (mark, token) => await table.UpsertEntityAsync(mark, TableUpdateMode.Replace, token).ConfigureAwait(false)),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<DirtyHour>> ListAsync(string kind, CancellationToken cancellationToken = default)
    {
        var table = await account.TableAsync(TableNames.DirtyHours, cancellationToken).ConfigureAwait(false);
        var hours = new List<DirtyHour>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == kind, cancellationToken: cancellationToken).ConfigureAwait(false))
            hours.Add(new DirtyHour(kind, HourBucket.Parse(row.RowKey), row.ETag));
        return hours;
    }

    /// <summary>Clears the marker if no write came after it was listed; false when one did.</summary>
    public async Task<bool> ClearAsync(DirtyHour hour, CancellationToken cancellationToken = default)
    {
        var table = await account.TableAsync(TableNames.DirtyHours, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.DeleteEntityAsync(hour.Kind, HourBucket.Key(hour.Hour), hour.ETag, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false;
        }
    }

    /// <summary>Clears every marker of an hour before <paramref name="before"/>, whatever its ETag (nightly finalisation).</summary>
    public async Task<int> ClearBeforeAsync(string kind, DateTimeOffset before, CancellationToken cancellationToken = default)
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
