using System.Diagnostics;
using Azure;
using Azure.Data.Tables;
using Metrics.Core.Ingestion;
using Metrics.Core.Retention;
using Metrics.Core.Rollups;
using Metrics.Rollups.Compaction;
using Metrics.Rollups.Ingest;
using Metrics.Rollups.Tables;
using Metrics.Storage;
using Metrics.Storage.Admin;
using Metrics.Storage.Exports;
using Metrics.Storage.Locks;
using Metrics.Storage.Tables;
using Microsoft.Extensions.Options;

namespace Metrics.Rollups.Retention;

/// <summary>
/// The nightly run: finalise the rollups of hours past raw retention and delete their raw rows (whole day tables), prune
/// rollups and audit rows past theirs, estimate the stored size and compare it with the budget. Holds a lease so runs
/// never overlap. What the <c>NightlyAggregation</c> timer runs. Every step is idempotent and ordered so that a run killed
/// anywhere and run again ends in the same state as one clean run: an hour's raw rows go only after its final rollups are
/// durable. Retention is strict: after a run nothing is older than its retention plus the day the cutoff falls in
/// (<see cref="NightlyPlan.FirstKeptDay"/>), week rows included.
/// </summary>
public sealed class NightlyRun(StorageAccount account, RollupCompaction compaction, DirtyHours dirtyHours, FinalisedHours finalisedHours,
    RawDayTables rawTables, BatchLedger ledger, StorageEstimate estimate, RunLock runLock, ExportStore exports, AuditLog audit, EndpointCatalog endpoints, TimeProvider time,
    IOptions<RetentionOptions> retention, IOptions<AlertOptions> alerts)
{
    public const string LockName = "NightlyAggregation";

    public async Task<NightlySummary> RunAsync(CancellationToken cancellationToken = default)
    {
        var options = alerts.Value;
        await using var held = await runLock.TryAcquireAsync(LockName, cancellationToken).ConfigureAwait(false);
        if (held is null) return NightlySummary.Skipped(options);

        var watch = Stopwatch.StartNew();
        var now = time.GetUtcNow();
        var plan = NightlyPlan.At(now, retention.Value);
        var finalised = await FinaliseBeforeAsync(plan.RawCutoff, cancellationToken).ConfigureAwait(false);
        var rollupsDeleted = await PruneRollupsAsync(plan.RollupCutoff, cancellationToken).ConfigureAwait(false);
        var auditDeleted = await audit.PruneAsync(plan.RollupCutoff, cancellationToken).ConfigureAwait(false);
        var endpointsDeleted = await endpoints.PruneAsync(DateOnly.FromDateTime(plan.RawCutoff.UtcDateTime), cancellationToken).ConfigureAwait(false);
        var exportsDeleted = await exports.PruneAsync(now, cancellationToken).ConfigureAwait(false);
        // A day after the raw rows: an event may be stamped a little ahead of the batch that first stored it.
        await ledger.PruneAsync(plan.RawCutoff.AddDays(-1), cancellationToken).ConfigureAwait(false);

        var size = await estimate.MeasureAsync(now, plan.RollupCutoff, cancellationToken).ConfigureAwait(false);
        var state = Judge(size, options);
        var rolledUpEarly = state == RowBudgetState.Over && options.EarlyRollUp;
        if (rolledUpEarly)
        {
            finalised = finalised.Plus(await FinaliseBeforeAsync(plan.EarlyRollUpCutoff, cancellationToken).ConfigureAwait(false));
            size = await estimate.MeasureAsync(now, plan.RollupCutoff, cancellationToken).ConfigureAwait(false);
        }
        var alert = state switch { RowBudgetState.Over => NightlySummary.OverBudget, RowBudgetState.Near => NightlySummary.Warning, _ => null };

        var growth = await RecordTotalAsync(size.Rows, now, cancellationToken).ConfigureAwait(false);
        return new NightlySummary(NightlySummary.Completed, finalised.Hours, finalised.RawRowsRead, finalised.RollupRowsWritten,
            finalised.RawRowsDeleted, finalised.RawTablesDeleted, rollupsDeleted, auditDeleted, endpointsDeleted, exportsDeleted, size.RawRows, size.RollupRows,
            size.Rows, growth, Math.Round(size.Gb, 6), options.StorageBudgetGb, Math.Round(size.Gb * options.PricePerGbMonth, 4), options.RowBudget, alert,
            rolledUpEarly, watch.Elapsed.TotalSeconds);
    }

    /// <summary>The estimated GB against the GB budget, and the estimated rows against the legacy row budget when one is set.</summary>
    private static RowBudgetState Judge(StoredSize size, AlertOptions options) => NightlyPlan.Worse(NightlyPlan.Judge(size.Gb, options.StorageBudgetGb),
        options.RowBudget is { } rows ? NightlyPlan.Judge(size.Rows, rows) : RowBudgetState.Within);

    private sealed record Finalised(int Hours, long RawRowsRead, int RollupRowsWritten, long RawRowsDeleted, int RawTablesDeleted)
    {
        public Finalised Plus(Finalised other) => new(Hours + other.Hours, RawRowsRead + other.RawRowsRead,
            RollupRowsWritten + other.RollupRowsWritten, RawRowsDeleted + other.RawRowsDeleted, RawTablesDeleted + other.RawTablesDeleted);
    }

    private async Task<Finalised> FinaliseBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var total = new Finalised(0, 0, 0, 0, 0);
        foreach (var kind in EventKinds.All)
        {
            var finalisedBefore = await finalisedHours.BoundaryAsync(kind, cancellationToken).ConfigureAwait(false);
            // First close the hours to ingestion: an event stored from here on is refused, or not acknowledged (FinalisedHours).
            await finalisedHours.AdvanceBoundaryAsync(kind, cutoff, cancellationToken).ConfigureAwait(false);
            // Hours with data are those with hour rollups or dirty markers: found without scanning raw rows.
            var done = await finalisedHours.ListAsync(kind, cancellationToken).ConfigureAwait(false);
            var family = Families.Of(kind)[0];
            var rollupTable = await account.TableAsync(TableNames.Rollups(family, Grain.Hour), cancellationToken).ConfigureAwait(false);
            var prefix = RollupPartitions.Prefix(kind, family, Grain.Hour);
            var withRollups = (await PartitionSweeper.PartitionsAsync(rollupTable, prefix, RollupPartitions.Key(kind, family, Grain.Hour, cutoff),
                cancellationToken).ConfigureAwait(false)).Select(RollupPartitions.StartOf);
            var marks = (await dirtyHours.ListAsync(kind, cancellationToken).ConfigureAwait(false)).Where(m => m.Hour < cutoff && !done.Contains(m.Hour)).ToList();
            var dirty = marks.Where(m => m.Raw || !m.Folded).Select(m => m.Hour).Distinct().ToList();
            var hours = withRollups.Concat(marks.Select(m => m.Hour)).Where(h => !done.Contains(h)).Distinct().Order().ToList();

            // A clean hour's rollups already say what its raw rows say, and so do a folded hour's (only its day is still
            // to merge), so only hours with partials left or marked for a recompute are read again.
            var recomputed = await compaction.RecomputeAsync(kind, dirty, marks.Select(m => m.Hour).Except(dirty).ToList(), cancellationToken)
                .ConfigureAwait(false);
            foreach (var hour in hours) await finalisedHours.MarkAsync(kind, hour, cancellationToken).ConfigureAwait(false);
            // Markers go before raw rows: a dirty hour is recomputed live by queries, which must not see half its rows.
            await dirtyHours.ClearBeforeAsync(kind, cutoff, cancellationToken).ConfigureAwait(false);
            var (deleted, tables) = await DeleteRawBeforeAsync(kind, cutoff, finalisedBefore, cancellationToken).ConfigureAwait(false);
            total = total.Plus(new Finalised(hours.Count, recomputed.RawRowsRead, recomputed.RowsWritten, deleted, tables));
        }
        return total;
    }

    /// <summary>
    /// Deletes the raw day tables whose every hour is before the cutoff, so finalised: one request a day, whatever its rows.
    /// The hours of the cutoff's own day before it are finalised too but wait for the next night with their day.
    /// Then sweeps the legacy single table row by row (empty and then deleted after the first week past an upgrade).
    /// </summary>
    /// <param name="finalisedBefore">The boundary before this run: a day before it was deleted by an earlier run, so a table of
    /// it now holds only rows of a write that raced that run (refused, never acknowledged), counted one by one.</param>
    private async Task<(long Rows, int Tables)> DeleteRawBeforeAsync(EventKind kind, DateTimeOffset cutoff, DateTimeOffset finalisedBefore,
        CancellationToken cancellationToken)
    {
        long rows = 0;
        var tables = 0;
        foreach (var day in await rawTables.DaysAsync(kind, cancellationToken).ConfigureAwait(false))
        {
            var (start, end) = (new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
            if (end > cutoff) continue;
            // Rows are counted from the day's rollups (one small read), not the table, which is never scanned.
            rows += end <= finalisedBefore
                ? await PartitionSweeper.CountAsync(account.ExistingTable(TableNames.RawEvents(kind, day)), cancellationToken).ConfigureAwait(false)
                : await estimate.EventsAsync(kind, start, end, cancellationToken).ConfigureAwait(false);
            await rawTables.DeleteAsync(kind, day, cancellationToken).ConfigureAwait(false);
            tables++;
        }
        return (rows + await SweepLegacyAsync(kind, cutoff, cancellationToken).ConfigureAwait(false), tables);
    }

    /// <summary>Rows of the single raw table used before day tables: deleted by range like any other expired rows; once empty, the table goes.</summary>
    private async Task<long> SweepLegacyAsync(EventKind kind, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var legacy = account.ExistingTable(TableNames.RawEvents(kind));
        try
        {
            var deleted = await PartitionSweeper.DeleteRangeAsync(legacy, "", HourBucket.Key(cutoff), cancellationToken).ConfigureAwait(false);
            if (await PartitionSweeper.CountAsync(legacy, cancellationToken).ConfigureAwait(false) == 0)
                await account.DeleteTableAsync(TableNames.RawEvents(kind), cancellationToken).ConfigureAwait(false);
            return deleted;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return 0;
        }
    }

    private async Task<long> PruneRollupsAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        long deleted = 0;
        foreach (var kind in EventKinds.All)
        {
            foreach (var family in Families.Of(kind))
            {
                var hours = await account.TableAsync(TableNames.Rollups(family, Grain.Hour), cancellationToken).ConfigureAwait(false);
                var days = await account.TableAsync(TableNames.Rollups(family, Grain.Day), cancellationToken).ConfigureAwait(false);
                var weeks = await account.TableAsync(TableNames.Rollups(family, Grain.Week), cancellationToken).ConfigureAwait(false);
                deleted += await PartitionSweeper.DeleteRangeAsync(hours, RollupPartitions.Prefix(kind, family, Grain.Hour),
                    RollupPartitions.Key(kind, family, Grain.Hour, cutoff), cancellationToken).ConfigureAwait(false);
                // Strict: a day row goes when its day is before the first kept day, and a week row when its week starts
                // before it, even though some of its days are kept. Queries cannot start before the retention window
                // (QueryRange), so such a week is never whole in a query's window: its kept days are read from day rows.
                var firstKept = NightlyPlan.FirstKeptDay(cutoff);
                deleted += await PartitionSweeper.DeleteRangeAsync(days, RollupPartitions.Prefix(kind, family, Grain.Day),
                    RollupPartitions.Key(kind, family, Grain.Day, firstKept), cancellationToken).ConfigureAwait(false);
                deleted += await PartitionSweeper.DeleteRangeAsync(weeks, RollupPartitions.Prefix(kind, family, Grain.Week),
                    RollupPartitions.Key(kind, family, Grain.Week, firstKept), cancellationToken).ConfigureAwait(false);
            }
            await finalisedHours.ForgetBeforeAsync(kind, cutoff, cancellationToken).ConfigureAwait(false);
        }
        return deleted;
    }

    /// <summary>Keeps this run's total for the next run's growth figure; returns the growth since the last run.</summary>
    private async Task<long?> RecordTotalAsync(long total, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await account.TableAsync(TableNames.NightlyRuns, cancellationToken).ConfigureAwait(false);
        var previous = await table.GetEntityIfExistsAsync<TableEntity>("run", "last", cancellationToken: cancellationToken).ConfigureAwait(false);
        await table.UpsertEntityAsync(new TableEntity("run", "last") { ["TotalRows"] = total, ["At"] = now }, TableUpdateMode.Replace,
            cancellationToken).ConfigureAwait(false);
        return previous.HasValue ? total - previous.Value!.GetInt64("TotalRows") : null;
    }
}
