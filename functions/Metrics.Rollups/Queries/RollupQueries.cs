using Metrics.Core.Ingestion;
using Metrics.Core.Queries;
using Metrics.Core.Rollups;
using Metrics.Rollups.Compaction;
using Metrics.Rollups.Ingest;
using Metrics.Rollups.Retention;
using Metrics.Rollups.Tables;

namespace Metrics.Rollups.Queries;

/// <summary>
/// Reads what a query needs, as its <see cref="ReadPlan"/> says: whole weeks from week rows where the answer allows,
/// whole settled days from day rows, other hours from hour rows with the partials ingestion wrote since their last fold
/// (so an event counts as soon as its batch is acknowledged), and a live recompute from raw rows of the rare hours
/// marked for one (events sent again). Storage requests grow with hours and dimension values, never with events;
/// rows read grow with the batches since the last fold, which compaction keeps to seconds. Every query answer and export
/// reads through here; <see cref="ContextAsync"/> then says how complete and fresh its sources are.
/// </summary>
public sealed class RollupQueries(RollupStore store, RawRows raw, DirtyHours dirtyHours, FinalisedHours finalisedHours, SourceFreshness freshness,
    TimeProvider time)
{
    /// <summary>Week or day partitions read at once, per family.</summary>
    private const int ParallelPartitions = 8;

    /// <summary>The request rollups of each of <paramref name="families"/> covering the window.</summary>
    /// <param name="grain">Week lets whole clean weeks come from week rows and whole clean days from day rows (for answers
    /// over the whole window); Day keeps daily resolution; Hour keeps hourly resolution.</param>
    /// <param name="distinctCountsOf">The families whose user sketches the answer needs (null: all). The others' sketches,
    /// most of a busy row's bytes, are not read, and their slices' counts of users are not to be used.</param>
    public Task<RollupRead<RequestCell>> RequestsAsync(QueryWindow window, Grain grain, IReadOnlyList<string> families,
        IReadOnlyCollection<string>? distinctCountsOf = null, CancellationToken cancellationToken = default) =>
        ReadAsync(CellFormats.Requests, families, window, grain, distinctCountsOf, cancellationToken);

    /// <summary>The usage rollups of each of <paramref name="families"/> covering the window.</summary>
    /// <inheritdoc cref="RequestsAsync" path="/param"/>
    public Task<RollupRead<UsageCell>> UsageAsync(QueryWindow window, Grain grain, IReadOnlyList<string> families,
        IReadOnlyCollection<string>? distinctCountsOf = null, CancellationToken cancellationToken = default) =>
        ReadAsync(CellFormats.Usage, families, window, grain, distinctCountsOf, cancellationToken);

    /// <summary>
    /// The range, sources and freshness an answer carries: each source read, with whether the answer found data of it
    /// (<see cref="SourceStatus.Of"/>). A source with data is <c>partial</c> when its first rollup or marked hour is after
    /// the range starts; the marked hours come from the read itself, so they are listed once per answer.
    /// </summary>
    public async Task<QueryContext> ContextAsync(QueryWindow window, IReadOnlyList<SourceRead> reads, CancellationToken cancellationToken = default)
    {
        var lags = freshness.ReadAsync(cancellationToken);
        var sources = new List<SourceStatus>();
        foreach (var read in reads)
        {
            var firstHour = read.HasData
                ? Earliest(await store.FirstHourAsync(read.Kind, Families.Of(read.Kind)[0], cancellationToken).ConfigureAwait(false), read.FirstMarkedHour)
                : null;
            sources.Add(SourceStatus.Of(read.Kind, window, read.HasData, firstHour, read.Note));
        }
        var (now, lagByKind) = (time.GetUtcNow(), await lags.ConfigureAwait(false));
        return new QueryContext(RangeDto.Of(window), sources,
            EventKinds.All.ToDictionary(kind => kind.Name(), kind => SourceLag.Of(lagByKind.GetValueOrDefault(kind)?.LastEventAt, now)));
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private async Task<RollupRead<TCell>> ReadAsync<TCell>(CellFormat<TCell> format, IReadOnlyList<string> families, QueryWindow window, Grain grain,
        IReadOnlyCollection<string>? distinctCountsOf, CancellationToken cancellationToken)
        where TCell : new()
    {
        var allMarks = await dirtyHours.ListAsync(format.Kind, cancellationToken).ConfigureAwait(false);
        var marks = allMarks.Where(d => window.Contains(d.Hour)).ToList();
        var live = marks.Where(m => m.Raw).Select(m => m.Hour).ToHashSet();
        // A finalised hour's rollups are final even if a late event marked it: its raw rows may be gone.
        // Only looked up when some hour is to be recomputed, so the usual query pays nothing for it.
        if (live.Count > 0) live.ExceptWith(await finalisedHours.ListAsync(format.Kind, cancellationToken).ConfigureAwait(false));
        var plan = ReadPlan.For(window, grain, live, marks.Where(m => !m.Raw).Select(m => m.Hour).ToHashSet());
        var recomputed = await RecomputeLiveAsync(format, plan.LiveHours, cancellationToken).ConfigureAwait(false);

        // Families live in tables of their own: read side by side.
        var read = await Task.WhenAll(families.Distinct().Select(async family =>
        {
            var slices = new List<RollupSlice<TCell>>();
            var distinctCounts = distinctCountsOf?.Contains(family) ?? true;
            // A week without complete week rows (not compacted since it ended, or being rewritten) is read from its days.
            var weekRows = await EachPartitionAsync(plan.Weeks, (week, token) => store.ReadWeekAsync(format, family, week, distinctCounts, token),
                cancellationToken).ConfigureAwait(false);
            var completeWeeks = plan.Weeks.Where((_, i) => weekRows[i] is not null).ToHashSet();
            slices.AddRange(plan.Weeks.SelectMany((week, i) => weekRows[i]?.Select(row => new RollupSlice<TCell>(week, row.Key, row.Cell)) ?? []));
            await AddDaysAsync(slices, format, family, plan.DaysBesides(completeWeeks).ToList(), distinctCounts, cancellationToken).ConfigureAwait(false);
            foreach (var (first, last) in plan.HourRuns)
                await AddStoredAsync(slices, format, family, Grain.Hour, first, last, distinctCounts, cancellationToken).ConfigureAwait(false);
            foreach (var (hour, cells) in recomputed)
                slices.AddRange(cells.Where(c => c.Key.Family == family).Select(c => new RollupSlice<TCell>(hour, c.Key, c.Value)));
            return (family, slices);
        })).ConfigureAwait(false);
        return new RollupRead<TCell>(format.Kind, read.ToDictionary(r => r.family, r => r.slices), allMarks.Select(m => (DateTimeOffset?)m.Hour).Min());
    }

    /// <summary>
    /// Each run of consecutive days: one range scan if its first page holds them all (a small family), else the days
    /// its page did not hold whole one partition each, side by side. In day order either way.
    /// </summary>
    private async Task AddDaysAsync<TCell>(List<RollupSlice<TCell>> slices, CellFormat<TCell> format, string family, List<DateTimeOffset> days,
        bool distinctCounts, CancellationToken cancellationToken) where TCell : new()
    {
        foreach (var (first, last) in ReadPlan.Runs(days, TimeSpan.FromDays(1)))
        {
            var (rows, notWhole) = await store.ReadDaysFirstPageAsync(format, family, first, last, distinctCounts, cancellationToken).ConfigureAwait(false);
            slices.AddRange(rows.Select(row => new RollupSlice<TCell>(RollupPartitions.StartOf(row.PartitionKey), row.Key, row.Cell)));
            if (notWhole is not { } rest) continue;
            var remaining = days.Where(day => day >= rest && day <= last).ToList();
            var dayRows = await EachPartitionAsync(remaining, (day, token) => store.ReadAsync(format, family, Grain.Day, day, day, distinctCounts, token).ToListAsync(token).AsTask(),
                cancellationToken).ConfigureAwait(false);
            slices.AddRange(remaining.SelectMany((day, i) => dayRows[i].Select(row => new RollupSlice<TCell>(day, row.Key, row.Cell))));
        }
    }

    /// <summary>
    /// One query per week or day partition, several at once. A range scan over them would page by 1,000 rows (and,
    /// on Table storage, wherever the service splits partitions), so its requests would depend on how many tuples
    /// the partitions hold; this way they are one each, whatever the volume, and run side by side, not one page
    /// after another. Results come back in the order of <paramref name="starts"/>, so sums add up the same way every time.
    /// </summary>
    private static async Task<T[]> EachPartitionAsync<T>(IReadOnlyList<DateTimeOffset> starts, Func<DateTimeOffset, CancellationToken, Task<T>> read,
        CancellationToken cancellationToken)
    {
        var results = new T[starts.Count];
        await Parallel.ForAsync(0, starts.Count, new ParallelOptions { MaxDegreeOfParallelism = ParallelPartitions, CancellationToken = cancellationToken },
            async (i, token) => results[i] = await read(starts[i], token).ConfigureAwait(false)).ConfigureAwait(false);
        return results;
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
        var tasks = hours.Select(async hour => (hour, (await raw.RollupHourAsync(format, hour, FoldPosition.End, cancellationToken).ConfigureAwait(false)).Cells));
        return (await Task.WhenAll(tasks).ConfigureAwait(false)).ToList();
    }
}
