using Metrics.Core.Ingestion;
using Metrics.Core.Retention;
using Metrics.Core.Rollups;
using Metrics.Rollups.Ingest;
using Metrics.Rollups.Retention;
using Metrics.Rollups.Tables;
using Metrics.Storage.Locks;
using Microsoft.Extensions.Options;

namespace Metrics.Rollups.Compaction;

/// <summary>
/// Brings stored rollups up to date, in three steps per kind of event:
/// <list type="number">
/// <item>hours marked to be recomputed from raw rows (events sent again) are: every family's rows from the raw rows
/// received before the cutoff (later ones are in partials);</item>
/// <item>every hour with new partials gets those older than <see cref="RollupOptions.FoldDelay"/> packed, and its packs
/// merged into its rows every <see cref="RollupOptions.MergeEvery"/> or once it is over (<see cref="HourFolds"/>): most
/// runs' work follows the events since the last run;</item>
/// <item>days that are over and whose hours are all folded get their day rows merged from their hour rows, and weeks
/// that are over their week rows from their days; only then are the hours' markers cleared.</item>
/// </list>
/// Rows are replaced, never incremented blindly (a fold skips what a row already holds), so a crash or a second run
/// at any point leaves the same, exact result.
/// </summary>
/// <remarks>
/// What the <c>RollupCompaction</c> timer runs; the nightly run calls <see cref="RecomputeAsync"/>. The host runs a timer
/// on one instance at a time, but a manual run (<c>/admin/functions/RollupCompaction</c>) takes no such lease, so a run
/// holds a lock of its own (<see cref="LockName"/>): one that finds it held changes nothing and says so, instead of doing
/// the same work again or tripping over the other's deletes. Should the lease lapse under a stalled run, each step still
/// converges with a second one (<see cref="HourFolds"/>; deletes of rows already gone are done).
/// </remarks>
public sealed class RollupCompaction(RawRows raw, RollupStore rollups, HourFolds hourFolds, DirtyHours dirtyHours, FinalisedHours finalisedHours,
    RunLock runLock, TimeProvider time, IOptions<RetentionOptions> retention, IOptions<RollupOptions> options)
{
    public const string LockName = "RollupCompaction";
    private const int ParallelHours = 4;

    public async Task<CompactionSummary> RunAsync(CancellationToken cancellationToken = default)
    {
        await using var held = await runLock.TryAcquireAsync(LockName, cancellationToken).ConfigureAwait(false);
        if (held is null) return CompactionSummary.AnotherRunHolds;
        return (await CompactAsync(CellFormats.Requests, cancellationToken).ConfigureAwait(false))
            .Plus(await CompactAsync(CellFormats.Usage, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Recomputes the given hours of one kind from all their raw rows, then merges their days and weeks and those of
    /// <paramref name="settledHours"/>, whose hour rows are whole already (nightly finalisation).
    /// </summary>
    public Task<CompactionSummary> RecomputeAsync(EventKind kind, IReadOnlyCollection<DateTimeOffset> hours, IReadOnlyCollection<DateTimeOffset>? settledHours = null,
        CancellationToken cancellationToken = default) =>
        kind == EventKind.Requests
            ? RecomputeWithDaysAsync(CellFormats.Requests, hours, settledHours ?? [], cancellationToken)
            : RecomputeWithDaysAsync(CellFormats.Usage, hours, settledHours ?? [], cancellationToken);

    private async Task<CompactionSummary> RecomputeWithDaysAsync<TCell>(CellFormat<TCell> format, IReadOnlyCollection<DateTimeOffset> hours,
        IReadOnlyCollection<DateTimeOffset> settledHours, CancellationToken cancellationToken) where TCell : new()
    {
        var summary = await RecomputeAsync(format, hours, FoldPosition.End, cancellationToken).ConfigureAwait(false);
        var days = hours.Concat(settledHours).Select(RollupCalendar.DayOf).Distinct().ToList();
        return summary.Plus(await MergeDaysAsync(format, days, cancellationToken).ConfigureAwait(false));
    }

    private async Task<CompactionSummary> CompactAsync<TCell>(CellFormat<TCell> format, CancellationToken cancellationToken) where TCell : new()
    {
        var now = time.GetUtcNow();
        var delay = options.Value.FoldDelay;
        // Partials received before now - delay are folded; rows then hold what was received before that cutoff.
        var cutoff = FoldPosition.At(now - delay);
        // Hours past raw retention belong to the nightly run, which finalises them and deletes their raw rows;
        // a finalised hour (also one rolled up early) is never recomputed from what raw rows are left of it.
        var rawCutoff = RollupCalendar.HourOf(now.AddDays(-retention.Value.RawDays));
        var finalised = await finalisedHours.ListAsync(format.Kind, cancellationToken).ConfigureAwait(false);
        async Task<List<DirtyHour>> MarksAsync() => (await dirtyHours.ListAsync(format.Kind, cancellationToken).ConfigureAwait(false))
            .Where(d => d.Hour >= rawCutoff && !finalised.Contains(d.Hour)).ToList();
        var marks = await MarksAsync().ConfigureAwait(false);
        if (marks.Count == 0) return CompactionSummary.None;

        // 1. Hours whose raw rows say more than their partials (see RawEventStore) are recomputed from the rows received
        // before the cutoff, once their marker's time is before it too (the rows it covers were stored by then).
        var summary = CompactionSummary.None;
        var recompute = marks.Where(m => m.Raw && FoldPosition.At(m.At) < cutoff).ToList();
        if (recompute.Count > 0)
        {
            var hours = recompute.Select(m => m.Hour).Distinct().ToList();
            summary = await RecomputeAsync(format, hours, cutoff, cancellationToken).ConfigureAwait(false);
            // Their days are merged as for any hour with partials (step 3).
            await dirtyHours.MarkAsync(format.Kind, hours, cancellationToken).ConfigureAwait(false);
            foreach (var mark in recompute)
                if (!await dirtyHours.ClearAsync(mark, cancellationToken).ConfigureAwait(false)) summary = summary with { HoursStillDirty = summary.HoursStillDirty + 1 };
            marks = await MarksAsync().ConfigureAwait(false);
        }

        // 2. Fold the partials of hours that got some since their last fold.
        var waiting = marks.Where(m => m.Raw).Select(m => m.Hour).ToHashSet();
        var settling = marks.Where(m => !m.Raw && !waiting.Contains(m.Hour)).ToList();
        var folds = await Task.WhenAll(settling.Where(m => !m.Folded).Select(async mark =>
        {
            var results = new List<FoldResult>();
            foreach (var family in Families.Of(format.Kind))
                results.Add(await hourFolds.FoldAsync(format, family, mark.Hour, cutoff, options.Value.MergeEvery, cancellationToken).ConfigureAwait(false));
            var settled = results.All(r => r.Remaining == 0) ? await dirtyHours.SetFoldedAsync(mark, cancellationToken).ConfigureAwait(false) : null;
            return (mark, settled, results);
        })).ConfigureAwait(false);
        var all = folds.SelectMany(f => f.results).ToList();
        summary = summary.Plus(new CompactionSummary(folds.Count(f => f.results.Any(r => r.Folded > 0)), 0, 0, all.Sum(r => r.Folded),
            all.Sum(r => r.RowsRead), all.Sum(r => r.Written), all.Sum(r => r.Deleted), 0, all.Count(r => r.Merged)));

        // 3. Merge days that are over and whose hours are all folded; then their markers go.
        var folded = settling.Where(m => m.Folded).Concat(folds.Where(f => f.settled is not null).Select(f => f.settled!)).ToList();
        var unsettled = settling.Select(m => m.Hour).Except(folded.Select(m => m.Hour)).Concat(waiting).Select(RollupCalendar.DayOf).ToHashSet();
        var days = folded.GroupBy(m => RollupCalendar.DayOf(m.Hour))
            .Where(day => day.Key.AddDays(1) <= now - delay && !unsettled.Contains(day.Key)).ToList();
        if (days.Count == 0) return summary;
        summary = summary.Plus(await MergeDaysAsync(format, days.Select(d => d.Key).ToList(), cancellationToken).ConfigureAwait(false));
        foreach (var mark in days.SelectMany(d => d))
            if (!await dirtyHours.ClearAsync(mark, cancellationToken).ConfigureAwait(false)) summary = summary with { HoursStillDirty = summary.HoursStillDirty + 1 };
        return summary;
    }

    /// <summary>Every family's rows of the hours from their raw rows received before <paramref name="foldedTo"/>.</summary>
    private async Task<CompactionSummary> RecomputeAsync<TCell>(CellFormat<TCell> format, IReadOnlyCollection<DateTimeOffset> hours, FoldPosition foldedTo,
        CancellationToken cancellationToken) where TCell : new()
    {
        long rawRows = 0;
        int written = 0, deleted = 0;
        await Parallel.ForEachAsync(hours, new ParallelOptions { MaxDegreeOfParallelism = ParallelHours, CancellationToken = cancellationToken }, async (hour, token) =>
        {
            var (cells, rowsRead) = await raw.RollupHourAsync(format, hour, foldedTo, token).ConfigureAwait(false);
            var (w, d) = await WriteFamiliesAsync(format, Grain.Hour, hour, cells, foldedTo, token).ConfigureAwait(false);
            Interlocked.Add(ref rawRows, rowsRead);
            Interlocked.Add(ref written, w);
            Interlocked.Add(ref deleted, d);
        }).ConfigureAwait(false);
        return new CompactionSummary(hours.Count, 0, rawRows, 0, 0, written, deleted, 0);
    }

    /// <summary>The day rows of the days, merged from their hour rows; then the rows of their weeks that are over, from their days.</summary>
    private async Task<CompactionSummary> MergeDaysAsync<TCell>(CellFormat<TCell> format, List<DateTimeOffset> days,
        CancellationToken cancellationToken) where TCell : new()
    {
        int written = 0, deleted = 0, read = 0;
        foreach (var day in days)
        {
            var (r, w, d) = await MergeAsync(format, Grain.Hour, day, day.AddHours(23), Grain.Day, cancellationToken).ConfigureAwait(false);
            (read, written, deleted) = (read + r, written + w, deleted + d);
        }
        // A week is rolled up once it is over; a query over a week still in progress reads its days.
        foreach (var week in days.Select(RollupCalendar.WeekOf).Distinct().Where(w => w.AddDays(7) <= time.GetUtcNow()))
        {
            var (r, w, d) = await MergeAsync(format, Grain.Day, week, week.AddDays(6), Grain.Week, cancellationToken).ConfigureAwait(false);
            (read, written, deleted) = (read + r, written + w, deleted + d);
        }
        return new CompactionSummary(0, days.Count, 0, 0, read, written, deleted, 0);
    }

    /// <summary>Rewrites the <paramref name="into"/> rows starting at <paramref name="first"/> by merging the finer rows from first to last.</summary>
    private async Task<(int Read, int Written, int Deleted)> MergeAsync<TCell>(CellFormat<TCell> format, Grain from, DateTimeOffset first, DateTimeOffset last,
        Grain into, CancellationToken cancellationToken) where TCell : new()
    {
        var rows = new List<KeyValuePair<RollupKey, TCell>>();
        foreach (var family in Families.Of(format.Kind))
            await foreach (var row in rollups.ReadAsync(format, family, from, first, last, cancellationToken: cancellationToken).ConfigureAwait(false))
                rows.Add(new(row.Key, row.Cell));
        var (written, deleted) = await WriteFamiliesAsync(format, into, first, HourRollup.Merge(rows, format.Merge), FoldPosition.End, cancellationToken)
            .ConfigureAwait(false);
        return (rows.Count, written, deleted);
    }

    private async Task<(int Written, int Deleted)> WriteFamiliesAsync<TCell>(CellFormat<TCell> format, Grain grain, DateTimeOffset start,
        Dictionary<RollupKey, TCell> cells, FoldPosition foldedTo, CancellationToken cancellationToken) where TCell : new()
    {
        int written = 0, deleted = 0;
        foreach (var family in Families.Of(format.Kind))
        {
            var (w, d) = await rollups.ReplaceAsync(format, family, grain, start,
                cells.Where(c => c.Key.Family == family), foldedTo, cancellationToken).ConfigureAwait(false);
            written += w;
            deleted += d;
        }
        return (written, deleted);
    }
}
