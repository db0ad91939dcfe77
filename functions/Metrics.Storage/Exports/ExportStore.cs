using Azure;
using Azure.Data.Tables;
using Metrics.Core.Exports;
using Microsoft.Extensions.Options;

namespace Metrics.Storage.Exports;

/// <summary>
/// Export jobs in table <c>Exports</c>. A running job is owned by one instance under a lease
/// (<see cref="ExportOptions.Lease"/>, on the row: owner and expiry), which the owner renews while it runs. Every change
/// is conditional on the row's ETag: of two instances that claim a job at once, one gets it; a job is taken from its
/// owner only once the lease has run out (the owner died), and then by one instance; an owner that lost its job can
/// neither renew nor record a result.
/// </summary>
public sealed class ExportStore(StorageAccount account, ExportBlobs blobs, IOptions<ExportOptions> options, TimeProvider time)
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
    public async Task<IReadOnlyList<ExportJob>> UnfinishedAsync(CancellationToken cancellationToken = default) =>
        (await UnfinishedRowsAsync(cancellationToken).ConfigureAwait(false)).Select(ExportJobEntities.ToJob).ToList();

    /// <summary>Jobs an instance may claim now, oldest first: queued ones, and running ones whose lease has run out.</summary>
    public async Task<IReadOnlyList<ExportJob>> ClaimableAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        return (await UnfinishedRowsAsync(cancellationToken).ConfigureAwait(false)).Where(row => IsClaimable(row, now))
            .Select(ExportJobEntities.ToJob).OrderBy(job => job.CreatedAt).ToList();
    }

    /// <summary>
    /// Makes <paramref name="owner"/> the job's owner for one lease, or answers null when there is nothing to do: the job is
    /// gone or finished, another instance holds its lease, or another claim came first.
    /// </summary>
    public async Task<ClaimedExport?> ClaimAsync(string id, string owner, CancellationToken cancellationToken = default)
    {
        if (await GetRowAsync(id, cancellationToken).ConfigureAwait(false) is not { } row) return null;
        var now = time.GetUtcNow();
        if (!IsClaimable(row, now)) return null;
        var job = ExportJobEntities.ToJob(row);
        var claimed = job with { Status = ExportStatus.Running, StartedAt = now, Attempts = job.Attempts + 1 };
        var leaseUntil = now + options.Value.Lease;
        var etag = await ReplaceAsync(ExportJobEntities.Leased(claimed, owner, leaseUntil), row.ETag, cancellationToken).ConfigureAwait(false);
        return etag is { } tag ? new ClaimedExport(claimed, tag, owner, leaseUntil) : null;
    }

    /// <summary>Extends the owner's lease by one <see cref="ExportOptions.Lease"/> from now; null when the job was taken from it meanwhile.</summary>
    public async Task<ClaimedExport?> RenewAsync(ClaimedExport claim, CancellationToken cancellationToken = default)
    {
        var leaseUntil = time.GetUtcNow() + options.Value.Lease;
        var etag = await ReplaceAsync(ExportJobEntities.Leased(claim.Job, claim.Owner, leaseUntil), claim.ETag, cancellationToken).ConfigureAwait(false);
        return etag is { } tag ? claim with { ETag = tag, LeaseUntil = leaseUntil } : null;
    }

    /// <summary>Records the run's outcome (and ends its lease); false when another run has claimed the job since, whose outcome counts instead.</summary>
    public async Task<bool> FinishAsync(ClaimedExport claim, ExportJob finished, CancellationToken cancellationToken = default) =>
        await ReplaceAsync(ExportJobEntities.From(finished), claim.ETag, cancellationToken).ConfigureAwait(false) is not null;

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

    private async Task<List<TableEntity>> UnfinishedRowsAsync(CancellationToken cancellationToken)
    {
        var table = await account.TableAsync(Table, cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {ExportJobEntities.Partition} and (Status eq {ExportStatus.Queued} or Status eq {ExportStatus.Running})");
        return await table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Queued, or running under a lease that has run out: its owner stopped renewing, so it died or lost touch.</summary>
    private static bool IsClaimable(TableEntity row, DateTimeOffset now) => row.GetString("Status") switch
    {
        ExportStatus.Queued => true,
        ExportStatus.Running => ExportJobEntities.LeaseUntilOf(row) <= now,
        _ => false,
    };

    /// <returns>The new ETag, or null when the row changed since <paramref name="etag"/> was read.</returns>
    private async Task<ETag?> ReplaceAsync(TableEntity row, ETag etag, CancellationToken cancellationToken)
    {
        var table = await account.TableAsync(Table, cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await table.UpdateEntityAsync(row, etag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return response.Headers.ETag;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return null;
        }
    }

    private static string PartitionFilter() => TableClient.CreateQueryFilter($"PartitionKey eq {ExportJobEntities.Partition}");
}
