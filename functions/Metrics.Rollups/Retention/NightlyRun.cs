using System.Diagnostics;
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
/// The nightly run: finalise the rollups of hours past raw retention and delete their raw rows, prune
/// rollups and audit rows past theirs, count rows and compare with the budget. Holds a lease so runs never
/// overlap. What the <c>NightlyAggregation</c> timer runs. Every step is idempotent and ordered so that a run killed anywhere and run again ends in the
/// same state as one clean run: an hour's raw rows go only after its final rollups are durable.
/// </summary>
public sealed class NightlyRun(StorageAccount account, RollupCompaction compaction, DirtyHours dirtyHours, FinalisedHours finalisedHours, RunLock runLock,
    ExportStore exports, AuditLog audit, EndpointCatalog endpoints, TimeProvider time, IOptions<RetentionOptions> retention, IOptions<AlertOptions> alerts)
{
    public const string LockName = "NightlyAggregation";
    private const int ParallelHours = 4;

    public async Task<NightlySummary> RunAsync(CancellationToken cancellationToken = default)
    {
        var budget = alerts.Value.RowBudget;
        await using var held = await runLock.TryAcquireAsync(LockName, cancellationToken).ConfigureAwait(false);
        if (held is null) return NightlySummary.Skipped(budget);

        var watch = Stopwatch.StartNew();
        var now = time.GetUtcNow();
        var plan = NightlyPlan.At(now, retention.Value);
        var finalised = await FinaliseBeforeAsync(plan.RawCutoff, cancellationToken).ConfigureAwait(false);
        var rollupsDeleted = await PruneRollupsAsync(plan.RollupCutoff, cancellationToken).ConfigureAwait(false);
        var auditDeleted = await audit.PruneAsync(plan.RollupCutoff, cancellationToken).ConfigureAwait(false);
        var endpointsDeleted = await endpoints.PruneAsync(DateOnly.FromDateTime(plan.RawCutoff.UtcDateTime), cancellationToken).ConfigureAwait(false);
        var exportsDeleted = await exports.PruneAsync(now, cancellationToken).ConfigureAwait(false);

        var (raw, rollups) = await CountAsync(cancellationToken).ConfigureAwait(false);
        var state = NightlyPlan.Judge(raw + rollups, budget);
        if (state == RowBudgetState.Over)
        {
            finalised = finalised.Plus(await FinaliseBeforeAsync(plan.EarlyRollUpCutoff, cancellationToken).ConfigureAwait(false));
            (raw, rollups) = await CountAsync(cancellationToken).ConfigureAwait(false);
        }
        var alert = state switch { RowBudgetState.Over => NightlySummary.OverBudget, RowBudgetState.Near => NightlySummary.Warning, _ => null };
        var rolledUpEarly = state == RowBudgetState.Over;

        var growth = await RecordTotalAsync(raw + rollups, now, cancellationToken).ConfigureAwait(false);
        return new NightlySummary(NightlySummary.Completed, finalised.Hours, finalised.RawRowsRead, finalised.RollupRowsWritten,
            finalised.RawRowsDeleted, rollupsDeleted, auditDeleted, endpointsDeleted, exportsDeleted, raw, rollups, raw + rollups, growth, budget, alert, rolledUpEarly,
            watch.Elapsed.TotalSeconds);
    }

    private sealed record Finalised(int Hours, long RawRowsRead, int RollupRowsWritten, long RawRowsDeleted)
    {
        public Finalised Plus(Finalised other) => new(Hours + other.Hours, RawRowsRead + other.RawRowsRead,
            RollupRowsWritten + other.RollupRowsWritten, RawRowsDeleted + other.RawRowsDeleted);
    }

    private async Task<Finalised> FinaliseBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var total = new Finalised(0, 0, 0, 0);
        foreach (var kind in EventKinds.All)
        {
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
            var deleted = await DeleteRawBeforeAsync(kind, hours.Concat(done.Where(h => h < cutoff)), cutoff, cancellationToken).ConfigureAwait(false);
            total = total.Plus(new Finalised(hours.Count, recomputed.RawRowsRead, recomputed.RowsWritten, deleted));
        }
        return total;
    }

    /// <summary>
    /// Deletes the raw rows of the given hours, several hours at a time (each hour is its own PartitionKey range),
    /// then whatever else lies before the cutoff: rows of a batch whose dirty marker was never written.
    /// </summary>
    private async Task<long> DeleteRawBeforeAsync(EventKind kind, IEnumerable<DateTimeOffset> hours, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var table = await account.TableAsync(TableNames.RawEvents(kind), cancellationToken).ConfigureAwait(false);
        long deleted = 0;
        await Parallel.ForEachAsync(hours.Distinct(), new ParallelOptions { MaxDegreeOfParallelism = ParallelHours, CancellationToken = cancellationToken },
            async (hour, token) => Interlocked.Add(ref deleted, await PartitionSweeper.DeleteRangeAsync(table, HourBucket.Key(hour) + "-",
                HourBucket.Key(hour) + ".", token).ConfigureAwait(false))).ConfigureAwait(false);
        return deleted + await PartitionSweeper.DeleteRangeAsync(table, "", HourBucket.Key(cutoff), cancellationToken).ConfigureAwait(false);
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
                // A day or week row goes with its last hour: keep the day and the week the cutoff falls in.
                deleted += await PartitionSweeper.DeleteRangeAsync(days, RollupPartitions.Prefix(kind, family, Grain.Day),
                    RollupPartitions.Key(kind, family, Grain.Day, RollupCalendar.DayOf(cutoff)), cancellationToken).ConfigureAwait(false);
                deleted += await PartitionSweeper.DeleteRangeAsync(weeks, RollupPartitions.Prefix(kind, family, Grain.Week),
                    RollupPartitions.Key(kind, family, Grain.Week, RollupCalendar.WeekOf(cutoff)), cancellationToken).ConfigureAwait(false);
            }
            await finalisedHours.ForgetBeforeAsync(kind, cutoff, cancellationToken).ConfigureAwait(false);
        }
        return deleted;
    }

    private async Task<(long Raw, long Rollups)> CountAsync(CancellationToken cancellationToken)
    {
        long raw = 0;
        foreach (var kind in EventKinds.All)
            raw += await PartitionSweeper.CountAsync(await account.TableAsync(TableNames.RawEvents(kind), cancellationToken).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
        long rollups = 0;
        foreach (var name in TableNames.AllRollups)
            rollups += await PartitionSweeper.CountAsync(await account.TableAsync(name, cancellationToken).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
        return (raw, rollups);
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
