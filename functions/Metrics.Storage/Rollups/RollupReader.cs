using Metrics.Core.Queries;
using Metrics.Core.Rollups;
using Metrics.Storage.Raw;

namespace Metrics.Storage.Rollups;

/// <summary>
/// Reads what a query needs: stored rollups for clean hours (whole days from day rows, the ragged edges
/// from hour rows), plus a live recompute from raw rows of the hours still marked dirty, so an event is
/// visible as soon as its batch is acknowledged. Storage requests grow with hours and dimension values,
/// never with events (dirty hours aside, which compaction keeps to the last minute or so).
/// </summary>
public sealed class RollupReader(RollupStore store, RawEventReader raw, DirtyHours dirtyHours, Retention.FinalizedHours finalizedHours)
{
    /// <summary>Day partitions read at once; a 90-day query is then a dozen rounds of requests, not 90 pages in a row.</summary>
    private const int ParallelDays = 8;

    /// <summary>Slices of each of <paramref name="families"/> covering the window.</summary>
    /// <param name="grain">Week lets whole clean weeks come from week rows and whole clean days from day rows (for answers
    /// over the whole window); Day keeps daily resolution; Hour keeps hourly resolution.</param>
    /// <param name="distinctCountsOf">The families whose user and visitor sketches the answer needs (null: all). The
    /// others' sketches, most of a busy row's bytes, are not read, and their slices' counts of users are not to be used.</param>
    public async Task<IReadOnlyDictionary<string, List<RollupSlice<TCell>>>> ReadAsync<TCell>(CellFormat<TCell> format,
        IReadOnlyList<string> families, QueryWindow window, Grain grain, IReadOnlyCollection<string>? distinctCountsOf = null,
        CancellationToken cancellationToken = default)
        where TCell : new()
    {
        var dirty = (await dirtyHours.ListAsync(format.Kind, cancellationToken).ConfigureAwait(false))
            .Select(d => d.Hour).Where(window.Contains).ToHashSet();
        // A finalised hour's rollups are final even if a late event marked it dirty: its raw rows may be gone.
        // Only looked up when some hour is dirty, so the usual query pays nothing for it.
        if (dirty.Count > 0) dirty.ExceptWith(await finalizedHours.ListAsync(format.Kind, cancellationToken).ConfigureAwait(false));
        var live = await RecomputeLiveAsync(format, dirty, cancellationToken).ConfigureAwait(false);

        var wholeDays = grain >= Grain.Day
            ? window.Buckets(Interval.Day).Where(day => day >= window.From && day.AddDays(1) <= window.To
                && !Enumerable.Range(0, 24).Any(h => dirty.Contains(day.AddHours(h)))).ToHashSet()
            : [];
        var wholeWeeks = grain == Grain.Week
            ? wholeDays.Select(RollupPartitions.WeekOf).Distinct().Where(week => Enumerable.Range(0, 7).All(d => wholeDays.Contains(week.AddDays(d))))
                .Order().ToList()
            : [];
        var storedHours = window.Hours().Where(h => !dirty.Contains(h) && !wholeDays.Contains(RollupPartitions.DayOf(h))).ToList();

        // Families live in tables of their own: read side by side.
        var read = await Task.WhenAll(families.Distinct().Select(async family =>
        {
            var slices = new List<RollupSlice<TCell>>();
            var distinctCounts = distinctCountsOf?.Contains(family) ?? true;
            var weeks = await ReadWeeksAsync(format, family, wholeWeeks, distinctCounts, cancellationToken).ConfigureAwait(false);
            slices.AddRange(weeks.SelectMany(w => w.Slices));
            var covered = weeks.Select(w => w.Week).ToHashSet();
            slices.AddRange(await ReadDaysAsync(format, family, [.. wholeDays.Where(d => !covered.Contains(RollupPartitions.WeekOf(d))).Order()],
                distinctCounts, cancellationToken).ConfigureAwait(false));
            foreach (var (first, last) in Runs(storedHours, TimeSpan.FromHours(1)))
                await AddStoredAsync(slices, format, family, Grain.Hour, first, last, distinctCounts, cancellationToken).ConfigureAwait(false);
            foreach (var (hour, cells) in live)
                slices.AddRange(cells.Where(c => c.Key.Family == family).Select(c => new RollupSlice<TCell>(hour, c.Key, c.Value)));
            return (family, slices);
        })).ConfigureAwait(false);
        return read.ToDictionary(r => r.family, r => r.slices);
    }

    /// <summary>
    /// Day rows, one query per day partition, several at once. A range scan over the days would page by 1,000 rows
    /// (and, on Table storage, wherever the service splits partitions), so its requests would depend on how many
    /// tuples the days hold; per day they are one each, whatever the volume, and run side by side, not one page
    /// after another. Slices come back in day order, so sums add up in the same order every time.
    /// </summary>
    private async Task<IEnumerable<RollupSlice<TCell>>> ReadDaysAsync<TCell>(CellFormat<TCell> format, string family, IReadOnlyList<DateTimeOffset> days,
        bool distinctCounts, CancellationToken cancellationToken) where TCell : new()
    {
        var perDay = new List<RollupSlice<TCell>>[days.Count];
        await Parallel.ForAsync(0, days.Count, new ParallelOptions { MaxDegreeOfParallelism = ParallelDays, CancellationToken = cancellationToken }, async (i, token) =>
        {
            perDay[i] = [];
            await foreach (var row in store.ReadAsync(format, family, Grain.Day, days[i], days[i], distinctCounts, token).ConfigureAwait(false))
                perDay[i].Add(new RollupSlice<TCell>(days[i], row.Key, row.Cell));
        }).ConfigureAwait(false);
        return perDay.SelectMany(day => day);
    }

    /// <summary>
    /// The weeks that have complete week rows, as slices starting on their Mondays. A week without them (not over
    /// when it was last compacted, or being rewritten) is left out, and the caller reads its days instead.
    /// </summary>
    private async Task<List<(DateTimeOffset Week, List<RollupSlice<TCell>> Slices)>> ReadWeeksAsync<TCell>(CellFormat<TCell> format, string family,
        List<DateTimeOffset> weeks, bool distinctCounts, CancellationToken cancellationToken) where TCell : new()
    {
        var perWeek = new List<RollupSlice<TCell>>?[weeks.Count];
        await Parallel.ForAsync(0, weeks.Count, new ParallelOptions { MaxDegreeOfParallelism = ParallelDays, CancellationToken = cancellationToken }, async (i, token) =>
            perWeek[i] = (await store.ReadWeekAsync(format, family, weeks[i], distinctCounts, token).ConfigureAwait(false))?
                .Select(row => new RollupSlice<TCell>(weeks[i], row.Key, row.Cell)).ToList()).ConfigureAwait(false);
        return [.. weeks.Select((week, i) => (week, perWeek[i])).Where(w => w.Item2 is not null).Select(w => (w.week, w.Item2!))];
    }

    private async Task AddStoredAsync<TCell>(List<RollupSlice<TCell>> slices, CellFormat<TCell> format, string family, Grain grain,
        DateTimeOffset first, DateTimeOffset last, bool distinctCounts, CancellationToken cancellationToken)
        where TCell : new()
    {
        await foreach (var row in store.ReadAsync(format, family, grain, first, last, distinctCounts, cancellationToken).ConfigureAwait(false))
            slices.Add(new RollupSlice<TCell>(RollupPartitions.StartOf(row.PartitionKey), row.Key, row.Cell));
    }

    private async Task<List<(DateTimeOffset Hour, Dictionary<RollupKey, TCell> Cells)>> RecomputeLiveAsync<TCell>(CellFormat<TCell> format,
        IEnumerable<DateTimeOffset> hours, CancellationToken cancellationToken) where TCell : new()
    {
        var tasks = hours.Select(async hour => (hour, (await raw.RollupHourAsync(format, hour, cancellationToken).ConfigureAwait(false)).Cells));
        return (await Task.WhenAll(tasks).ConfigureAwait(false)).ToList();
    }

    /// <summary>Contiguous runs of ordered times, each read with one partition range scan.</summary>
    private static IEnumerable<(DateTimeOffset First, DateTimeOffset Last)> Runs(IEnumerable<DateTimeOffset> ordered, TimeSpan step)
    {
        DateTimeOffset? first = null, last = null;
        foreach (var at in ordered)
        {
            if (last is { } previous && at - previous == step)
            {
                last = at;
                continue;
            }
            if (first is { } f) yield return (f, last!.Value);
            first = last = at;
        }
        if (first is { } start) yield return (start, last!.Value);
    }
}
