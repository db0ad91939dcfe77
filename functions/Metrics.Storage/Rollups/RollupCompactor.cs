using Metrics.Core.Ingestion;
using Metrics.Core.Rollups;
using Metrics.Storage.Raw;

namespace Metrics.Storage.Rollups;

/// <summary>What one compaction did.</summary>
public sealed record CompactionSummary(int HoursCompacted, int DaysCompacted, long RawRowsRead, int RowsWritten, int RowsDeleted, int HoursStillDirty)
{
    public static readonly CompactionSummary None = new(0, 0, 0, 0, 0, 0);

    public CompactionSummary Plus(CompactionSummary other) => new(HoursCompacted + other.HoursCompacted, DaysCompacted + other.DaysCompacted,
        RawRowsRead + other.RawRowsRead, RowsWritten + other.RowsWritten, RowsDeleted + other.RowsDeleted, HoursStillDirty + other.HoursStillDirty);
}

/// <summary>
/// Recomputes rollups from raw rows: each dirty hour's rows of every family, then the day rows of the
/// days those hours are in (merged from the day's hour rows), then the rows of those days' weeks that are over
/// (merged from their day rows), and only then clears the markers. Never
/// increments, so a crash or a second run at any point leaves the same, exact result.
/// </summary>
public sealed class RollupCompactor(RawEventReader raw, RollupStore rollups, DirtyHours dirtyHours, Retention.FinalizedHours finalizedHours, TimeProvider time,
    Microsoft.Extensions.Options.IOptions<Core.RetentionOptions> retention)
{
    private const int ParallelHours = 4;

    public async Task<CompactionSummary> CompactDirtyHoursAsync(CancellationToken cancellationToken = default) =>
        (await CompactAsync(CellFormats.Requests, cancellationToken).ConfigureAwait(false))
            .Plus(await CompactAsync(CellFormats.Usage, cancellationToken).ConfigureAwait(false));

    /// <summary>Recomputes the given hours of one kind whether or not they are marked dirty (nightly finalisation).</summary>
    public Task<CompactionSummary> RecomputeAsync(string kind, IReadOnlyCollection<DateTimeOffset> hours, CancellationToken cancellationToken = default) =>
        kind == EventKinds.Requests
            ? RecomputeAsync(CellFormats.Requests, hours, cancellationToken)
            : RecomputeAsync(CellFormats.Usage, hours, cancellationToken);

    private async Task<CompactionSummary> CompactAsync<TCell>(CellFormat<TCell> format, CancellationToken cancellationToken) where TCell : new()
    {
        // Hours past raw retention belong to the nightly run, which finalises them and deletes their raw rows;
        // a finalised hour (also one rolled up early) is never recomputed from what raw rows are left of it.
        var rawCutoff = Core.Queries.QueryWindow.FloorHour(time.GetUtcNow().AddDays(-retention.Value.RawDays));
        var finalised = await finalizedHours.ListAsync(format.Kind, cancellationToken).ConfigureAwait(false);
        var dirty = (await dirtyHours.ListAsync(format.Kind, cancellationToken).ConfigureAwait(false))
            .Where(d => d.Hour >= rawCutoff && !finalised.Contains(d.Hour)).ToList();
        if (dirty.Count == 0) return CompactionSummary.None;
        var summary = await RecomputeAsync(format, dirty.Select(d => d.Hour).ToList(), cancellationToken).ConfigureAwait(false);
        var stillDirty = 0;
        foreach (var hour in dirty)
            if (!await dirtyHours.ClearAsync(hour, cancellationToken).ConfigureAwait(false)) stillDirty++;
        return summary with { HoursStillDirty = stillDirty };
    }

    private async Task<CompactionSummary> RecomputeAsync<TCell>(CellFormat<TCell> format, IReadOnlyCollection<DateTimeOffset> hours,
        CancellationToken cancellationToken) where TCell : new()
    {
        long rawRows = 0;
        int written = 0, deleted = 0;
        await Parallel.ForEachAsync(hours, new ParallelOptions { MaxDegreeOfParallelism = ParallelHours, CancellationToken = cancellationToken }, async (hour, token) =>
        {
            var (cells, rowsRead) = await raw.RollupHourAsync(format, hour, token).ConfigureAwait(false);
            var (w, d) = await WriteFamiliesAsync(format, Grain.Hour, hour, cells, token).ConfigureAwait(false);
            Interlocked.Add(ref rawRows, rowsRead);
            Interlocked.Add(ref written, w);
            Interlocked.Add(ref deleted, d);
        }).ConfigureAwait(false);

        var days = hours.Select(RollupCalendar.DayOf).Distinct().ToList();
        foreach (var day in days)
        {
            var (w, d) = await MergeAsync(format, Grain.Hour, day, day.AddHours(23), Grain.Day, cancellationToken).ConfigureAwait(false);
            written += w;
            deleted += d;
        }
        // A week is rolled up once it is over; a query over a week still in progress reads its days.
        foreach (var week in days.Select(RollupCalendar.WeekOf).Distinct().Where(w => w.AddDays(7) <= time.GetUtcNow()))
        {
            var (w, d) = await MergeAsync(format, Grain.Day, week, week.AddDays(6), Grain.Week, cancellationToken).ConfigureAwait(false);
            written += w;
            deleted += d;
        }
        return new CompactionSummary(hours.Count, days.Count, rawRows, written, deleted, 0);
    }

    /// <summary>Rewrites the <paramref name="into"/> rows starting at <paramref name="first"/> by merging the finer rows from first to last.</summary>
    private async Task<(int Written, int Deleted)> MergeAsync<TCell>(CellFormat<TCell> format, Grain from, DateTimeOffset first, DateTimeOffset last,
        Grain into, CancellationToken cancellationToken) where TCell : new()
    {
        var rows = new List<KeyValuePair<RollupKey, TCell>>();
        foreach (var family in Families.Of(format.Kind))
            await foreach (var row in rollups.ReadAsync(format, family, from, first, last, cancellationToken: cancellationToken).ConfigureAwait(false))
                rows.Add(new(row.Key, row.Cell));
        return await WriteFamiliesAsync(format, into, first, HourRollup.Merge(rows, format.Merge), cancellationToken).ConfigureAwait(false);
    }

    private async Task<(int Written, int Deleted)> WriteFamiliesAsync<TCell>(CellFormat<TCell> format, Grain grain, DateTimeOffset start,
        Dictionary<RollupKey, TCell> cells, CancellationToken cancellationToken) where TCell : new()
    {
        int written = 0, deleted = 0;
        foreach (var family in Families.Of(format.Kind))
        {
            var (w, d) = await rollups.ReplaceAsync(format, family, grain, start,
                cells.Where(c => c.Key.Family == family), cancellationToken).ConfigureAwait(false);
            written += w;
            deleted += d;
        }
        return (written, deleted);
    }
}
