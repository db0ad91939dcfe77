using Azure;
using Azure.Data.Tables;
using Metrics.Core.Exports;
using Microsoft.Extensions.Options;

namespace Metrics.Storage.Exports;

/// <summary>
/// Export jobs in table <c>Exports</c>. Status changes are conditional on the row's ETag, so when two
/// instances both pick up a job left over by a crashed one, only the last claim may record a result.
/// </summary>
public sealed class ExportStore(StorageAccount account, ExportBlobs blobs, IOptions<ExportOptions> options)
{
    public const string Table = "Exports";
    public const int MaxListed = 1000;

    public async Task CreateAsync(ExportJob job, CancellationToken cancellationToken = default) =>
        await account.WithTableAsync(Table, table => table.AddEntityAsync(ExportJobEntities.From(job), cancellationToken), cancellationToken)
            .ConfigureAwait(false);

    public async Task<ExportJob?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        (await GetRowAsync(id, cancellationToken).ConfigureAwait(false)) is { } row ? ExportJobEntities.ToJob(row) : null;

    /// <summary>The newest <paramref name="top"/> jobs, newest first (row keys count down in time); only one org's when <paramref name="org"/> is given.</summary>
    public async Task<IReadOnlyList<ExportJob>> ListAsync(int top, string? org = null, CancellationToken cancellationToken = default)
    {
        top = Math.Clamp(top, 1, MaxListed);
        var jobs = new List<ExportJob>();
        var table = await account.TableAsync(Table, cancellationToken).ConfigureAwait(false);
        var filter = org is null ? PartitionFilter() : TableClient.CreateQueryFilter($"PartitionKey eq {ExportJobEntities.Partition} and Org eq {org}");
        var rows = table.QueryAsync<TableEntity>(filter, maxPerPage: top, cancellationToken: cancellationToken);
        await foreach (var row in rows.ConfigureAwait(false))
        {
            jobs.Add(ExportJobEntities.ToJob(row));
            if (jobs.Count == top) break;
        }
        return jobs;
    }

    /// <summary>Jobs not finished: queued ones never started, running ones whose process may have died.</summary>
    public async Task<IReadOnlyList<ExportJob>> UnfinishedAsync(CancellationToken cancellationToken = default)
    {
        var table = await account.TableAsync(Table, cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {ExportJobEntities.Partition} and (Status eq {ExportStatus.Queued} or Status eq {ExportStatus.Running})");
        var jobs = new List<ExportJob>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            jobs.Add(ExportJobEntities.ToJob(row));
        return jobs;
    }

    /// <summary>
    /// Marks the job running for this run, or answers null when there is nothing to do: the job is gone,
    /// finished, or claimed by another run first. A running job is taken over only when <paramref name="takeOver"/>
    /// (at startup: its run died with the previous process).
    /// </summary>
    public async Task<ClaimedExport?> ClaimAsync(string id, DateTimeOffset now, bool takeOver, CancellationToken cancellationToken = default)
    {
        if (await GetRowAsync(id, cancellationToken).ConfigureAwait(false) is not { } row) return null;
        var job = ExportJobEntities.ToJob(row);
        if (job.Status != ExportStatus.Queued && !(takeOver && job.Status == ExportStatus.Running)) return null;
        var claimed = job with { Status = ExportStatus.Running, StartedAt = now, Attempts = job.Attempts + 1 };
        var etag = await ReplaceAsync(claimed, row.ETag, cancellationToken).ConfigureAwait(false);
        return etag is { } tag ? new ClaimedExport(claimed, tag) : null;
    }

    /// <summary>Records the run's outcome; false when another run has claimed the job since, whose outcome counts instead.</summary>
    public async Task<bool> FinishAsync(ClaimedExport claim, ExportJob finished, CancellationToken cancellationToken = default) =>
        await ReplaceAsync(finished, claim.ETag, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>
    /// Deletes the jobs created more than <see cref="ExportOptions.KeepDays"/> before <paramref name="now"/> and their CSVs
    /// (the nightly run calls this). Blobs go first, so a crash leaves a job row that the next run prunes again, never a
    /// CSV nobody can find. Answers how many jobs were pruned.
    /// </summary>
    public async Task<int> PruneAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var before = now.AddDays(-options.Value.KeepDays);
        var table = await account.TableAsync(Table, cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ExportJobEntities.Partition} and CreatedAt lt {before.ToUniversalTime()}");
        var pruned = 0;
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey", "Org"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            await blobs.DeleteAllOfAsync(row.RowKey, row.GetString("Org"), cancellationToken).ConfigureAwait(false);
            await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken).ConfigureAwait(false);
            pruned++;
        }
        return pruned;
    }

    private async Task<TableEntity?> GetRowAsync(string id, CancellationToken cancellationToken)
    {
        if (!ExportJob.IsWellFormedId(id)) return null;
        var table = await account.TableAsync(Table, cancellationToken).ConfigureAwait(false);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(ExportJobEntities.Partition, id, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? found.Value : null;
    }

    /// <returns>The new ETag, or null when the row changed since <paramref name="etag"/> was read.</returns>
    private async Task<ETag?> ReplaceAsync(ExportJob job, ETag etag, CancellationToken cancellationToken)
    {
        var table = await account.TableAsync(Table, cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await table.UpdateEntityAsync(ExportJobEntities.From(job), etag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return response.Headers.ETag;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return null;
        }
    }

    private static string PartitionFilter() => TableClient.CreateQueryFilter($"PartitionKey eq {ExportJobEntities.Partition}");
}
