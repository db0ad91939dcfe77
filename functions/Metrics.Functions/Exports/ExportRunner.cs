using Metrics.Core.Exports;
using Metrics.Functions.Operations.Telemetry;
using Metrics.Storage.Exports;
using Microsoft.Extensions.Options;

namespace Metrics.Functions.Exports;

/// <summary>
/// Runs export jobs in the background, <see cref="ExportOptions.Concurrency"/> at a time. At startup it
/// first picks up the jobs a previous process left queued or running. Each run claims its job (ETag),
/// writes a blob of its own, and records the outcome only if no later run has claimed the job since.
/// </summary>
internal sealed partial class ExportRunner(ExportQueue queue, ExportStore jobs, ExportBlobs blobs, ExportProduction production,
    ServiceInstruments instruments, TimeProvider time, IOptions<ExportOptions> options, ILogger<ExportRunner> logger) : BackgroundService
{
    public const int MaxErrorLength = 2000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Workers start after the scan, so a job found running was left by another process, not taken by ours.
        await ResumeUnfinishedAsync(stoppingToken);
        var workers = Enumerable.Range(0, options.Value.Concurrency).Select(_ => WorkAsync(stoppingToken));
        await Task.WhenAll(workers);
    }

    private async Task ResumeUnfinishedAsync(CancellationToken stoppingToken)
    {
        for (var delay = TimeSpan.FromSeconds(1); !stoppingToken.IsCancellationRequested; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMinutes(1).Ticks)))
        {
            try
            {
                var unfinished = await jobs.UnfinishedAsync(stoppingToken);
                foreach (var job in unfinished.OrderBy(j => j.CreatedAt)) queue.Enqueue(job.Id, takeOver: job.Status == ExportStatus.Running);
                if (unfinished.Count > 0) LogResumed(logger, unfinished.Count);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Storage may still be starting (the local emulator): new jobs run meanwhile once workers start, so keep trying.
                LogScanFailed(logger, delay, e);
                await Task.Delay(delay, time, stoppingToken);
            }
        }
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (id, takeOver) in queue.Reader.ReadAllAsync(stoppingToken))
                await RunAsync(id, takeOver, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: a job cut short stays running and the next process takes it over.
        }
    }

    private async Task RunAsync(string id, bool takeOver, CancellationToken stoppingToken)
    {
        ClaimedExport? claim;
        try
        {
            claim = await jobs.ClaimAsync(id, time.GetUtcNow(), takeOver, stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogClaimFailed(logger, id, e);
            return;
        }
        if (claim is null) return;

        var job = claim.Job;
        var blobName = ExportBlobs.NameOf(job, job.Attempts);
        ExportJob finished;
        try
        {
            var manifest = await production.ProduceAsync(job, blobName, stoppingToken);
            finished = job with
            {
                Status = ExportStatus.Succeeded, CompletedAt = manifest.CompletedAt, Rows = manifest.Rows, Sha256 = manifest.Sha256, Blob = blobName,
            };
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            LogRunFailed(logger, job.Id, e);
            await DeleteQuietlyAsync(blobName);
            finished = job with { Status = ExportStatus.Failed, CompletedAt = time.GetUtcNow(), Error = Truncate(e.Message) };
        }

        try
        {
            if (await jobs.FinishAsync(claim, finished, stoppingToken))
            {
                instruments.ExportFinished(finished.Status == ExportStatus.Succeeded);
                return;
            }
            // Another run took the job over meanwhile; its blob and outcome count, ours is surplus.
            LogTakenOver(logger, job.Id);
            await DeleteQuietlyAsync(blobName);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The job stays running until a restart takes it over; its CSV (if any) is rewritten then.
            LogRecordFailed(logger, job.Id, e);
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

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Picked up {Count} unfinished export jobs")]
    private static partial void LogResumed(ILogger logger, int count);

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

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "Could not delete export blob {Blob}")]
    private static partial void LogCleanupFailed(ILogger logger, string blob, Exception exception);
}
