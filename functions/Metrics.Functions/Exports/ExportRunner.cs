using Metrics.Core.Exports;
using Metrics.Functions.Operations.Telemetry;
using Metrics.Storage.Exports;
using Microsoft.Extensions.Options;

namespace Metrics.Functions.Exports;

/// <summary>
/// Runs export jobs in the background, <see cref="ExportOptions.Concurrency"/> at a time. A run owns its job under a
/// lease (<see cref="ExportStore"/>) that it renews while it produces the CSV; it stops, and drops its CSV, if the job
/// was taken from it. Every instance watches the job rows (<see cref="WatchAsync"/>) for jobs queued but not started
/// and jobs whose owner stopped renewing (it died): of the instances that find one, one claims it. So each job ends
/// with one CSV, however many instances run, and a live owner is never taken over.
/// </summary>
internal sealed partial class ExportRunner(ExportQueue queue, ExportStore jobs, ExportBlobs blobs, ExportProduction production,
    ServiceInstruments instruments, TimeProvider time, IOptions<ExportOptions> options, ILogger<ExportRunner> logger) : BackgroundService
{
    public const int MaxErrorLength = 2000;

    /// <summary>This instance, as the job rows name their owner (for people reading them; the ETag decides).</summary>
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workers = Enumerable.Range(0, options.Value.Concurrency).Select(_ => WorkAsync(stoppingToken));
        await Task.WhenAll(workers.Append(WatchAsync(stoppingToken)));
    }

    /// <summary>
    /// At start and then every quarter lease: queues the jobs that may be claimed (queued ones; running ones whose lease ran
    /// out). A job this instance already has queued or running is queued again harmlessly: its claim finds nothing to do.
    /// </summary>
    private async Task WatchAsync(CancellationToken stoppingToken)
    {
        var every = options.Value.Lease / 4;
        var retry = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = every;
            try
            {
                var claimable = await jobs.ClaimableAsync(stoppingToken);
                foreach (var job in claimable) queue.Enqueue(job.Id);
                if (claimable.Count > 0) LogFound(logger, claimable.Count);
                retry = TimeSpan.FromSeconds(1);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Storage may still be starting (the local emulator): new jobs run meanwhile, so keep trying, sooner at first.
                LogScanFailed(logger, retry, e);
                wait = retry < every ? retry : every;
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, every.Ticks));
            }
            try
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var id in queue.Reader.ReadAllAsync(stoppingToken))
                await RunAsync(id, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: a job cut short stays running; once its lease runs out another instance resumes it.
        }
    }

    private async Task RunAsync(string id, CancellationToken stoppingToken)
    {
        ClaimedExport? claim;
        try
        {
            claim = await jobs.ClaimAsync(id, _owner, stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogClaimFailed(logger, id, e);
            return;
        }
        if (claim is null) return;

        var job = claim.Job;
        var blobName = ExportBlobs.NameOf(job, job.Attempts);
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        using var done = new CancellationTokenSource();
        var holding = HoldAsync(claim, lost, done.Token);
        ExportJob finished;
        try
        {
            var manifest = await production.ProduceAsync(job, blobName, lost.Token);
            finished = job with
            {
                Status = ExportStatus.Succeeded, CompletedAt = manifest.CompletedAt, Rows = manifest.Rows, Sha256 = manifest.Sha256, Blob = blobName,
            };
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await done.CancelAsync();
            await holding;
            throw;
        }
        catch (OperationCanceledException) when (lost.IsCancellationRequested)
        {
            // Its lease went to another instance (this one stalled past it): that run's CSV counts.
            LogTakenOver(logger, job.Id);
            await holding;
            await DeleteQuietlyAsync(blobName);
            return;
        }
        catch (Exception e)
        {
            LogRunFailed(logger, job.Id, e);
            await DeleteQuietlyAsync(blobName);
            finished = job with { Status = ExportStatus.Failed, CompletedAt = time.GetUtcNow(), Error = Truncate(e.Message) };
        }

        // The lease stops being renewed before the outcome is recorded, so the outcome is written with the latest ETag.
        await done.CancelAsync();
        if (await holding is not { } held)
        {
            LogTakenOver(logger, job.Id);
            await DeleteQuietlyAsync(blobName);
            return;
        }
        try
        {
            if (await jobs.FinishAsync(held, finished, stoppingToken))
            {
                instruments.ExportFinished(finished.Status == ExportStatus.Succeeded);
                // A resumed job's earlier attempts left CSVs nobody points at: the job keeps one.
                for (var attempt = 1; attempt < job.Attempts; attempt++) await DeleteQuietlyAsync(ExportBlobs.NameOf(job, attempt));
                return;
            }
            // Another run took the job over meanwhile; its blob and outcome count, ours is surplus.
            LogTakenOver(logger, job.Id);
            await DeleteQuietlyAsync(blobName);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The job stays running until its lease runs out and another instance resumes it; its CSV is rewritten then.
            LogRecordFailed(logger, job.Id, e);
        }
    }

    /// <summary>
    /// Renews the claim's lease every third of it until <paramref name="done"/>; answers the claim as last renewed, or null
    /// (after cancelling <paramref name="lost"/>, which stops the production) when the job was taken from this run.
    /// </summary>
    private async Task<ClaimedExport?> HoldAsync(ClaimedExport claim, CancellationTokenSource lost, CancellationToken done)
    {
        while (true)
        {
            try
            {
                await Task.Delay(options.Value.Lease / 3, time, done);
            }
            catch (OperationCanceledException)
            {
                return claim;
            }
            try
            {
                // Never cancelled midway: a renewal that went through unseen would leave this run with a stale ETag.
                if (await jobs.RenewAsync(claim, CancellationToken.None) is not { } renewed)
                {
                    await lost.CancelAsync();
                    return null;
                }
                claim = renewed;
            }
            catch (Exception e)
            {
                // Storage trouble: try again at the next beat; two thirds of the lease are left before anyone may take it.
                LogRenewFailed(logger, claim.Job.Id, e);
            }
        }
    }

    private async Task DeleteQuietlyAsync(string blobName)
    {
        try
        {
            await blobs.DeleteAsync(blobName);
        }
        catch (Exception e)
        {
            // A leftover CSV is harmless: no job points at it, and pruning deletes the job's whole folder.
            LogCleanupFailed(logger, blobName, e);
        }
    }

    private static string Truncate(string message) => message.Length <= MaxErrorLength ? message : message[..MaxErrorLength] + "…";

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Found {Count} export jobs to claim (queued, or their owner's lease ran out)")]
    private static partial void LogFound(ILogger logger, int count);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Could not list unfinished export jobs; trying again in {Delay}")]
    private static partial void LogScanFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Error, Message = "Could not claim export {Id}")]
    private static partial void LogClaimFailed(ILogger logger, string id, Exception exception);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Error, Message = "Export {Id} failed")]
    private static partial void LogRunFailed(ILogger logger, string id, Exception exception);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "Export {Id} was taken over by another run; dropping this run's CSV")]
    private static partial void LogTakenOver(ILogger logger, string id);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Error, Message = "Could not record the outcome of export {Id}")]
    private static partial void LogRecordFailed(ILogger logger, string id, Exception exception);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Warning, Message = "Could not renew the lease of export {Id}")]
    private static partial void LogRenewFailed(ILogger logger, string id, Exception exception);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "Could not delete export blob {Blob}")]
    private static partial void LogCleanupFailed(ILogger logger, string blob, Exception exception);
}
