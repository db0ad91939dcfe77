using Azure.Data.Tables;
using Metrics.Core.Ingestion;
using Metrics.Core.Queries;
using Metrics.Core.Rollups;
using Metrics.Tests.Shared;

namespace Metrics.Rollups.Tests.Compaction;

/// <summary>
/// Ingestion's partials, compaction's folds and recomputes, and the reader: whatever has or has not been compacted
/// yet, an answer counts every stored event once, with its last copy.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class RollupCompactionTests(SharedAzurite azurite)
{
    private static readonly DateTimeOffset Hour = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    private static readonly QueryWindow Day = new(Hour.UtcDateTime.Date, Hour.UtcDateTime.Date.AddDays(1));

    [Fact]
    public async Task Partials_count_at_once_fold_into_hour_rows_and_into_day_rows_once_the_day_is_over()
    {
        using var clock = new SharedClock(Hour.AddHours(2));
        var parts = RollupEngine.On(azurite.NewStorage(), clock);
        var events = Enumerable.Range(0, 300).Select(i => Events.Request(i, Hour)).ToList();
        await parts.StoreAsync(events, clock.GetUtcNow());
        var expected = ServiceAnswers.Expected(events);

        Assert.Equal(expected, await ServiceAnswers.AnswerAsync(parts, Day, Grain.Day));
        Assert.NotEmpty(await PartialRowsAsync(parts));

        var folded = await CompactAsync(parts, clock);
        Assert.Equal((1, 0, 0L), (folded.HoursCompacted, folded.DaysCompacted, folded.RawRowsRead));
        Assert.Equal(HourRollup.Of(events).Count, folded.PartialsFolded);
        Assert.Empty(await PartialRowsAsync(parts));
        Assert.True(Assert.Single(await parts.Dirty.ListAsync(EventKind.Requests)).Folded); // the day is not over: its hours are read
        Assert.Equal(expected, await ServiceAnswers.AnswerAsync(parts, Day, Grain.Day));

        clock.SetUtcNow(Day.To.AddMinutes(1));
        var merged = await CompactAsync(parts, clock);
        Assert.Equal((0, 1), (merged.HoursCompacted, merged.DaysCompacted));
        Assert.Empty(await parts.Dirty.ListAsync(EventKind.Requests));
        var slices = (await parts.ReadAsync([Families.Service], Day, Grain.Day))[Families.Service];
        Assert.Equal(Day.From, Assert.Single(slices).Start); // read from the day's row
        Assert.Equal(expected, await ServiceAnswers.AnswerAsync(parts, Day, Grain.Day));
    }

    [Fact]
    public async Task A_fold_stopped_before_deleting_its_partials_counts_them_once_and_the_next_fold_removes_them()
    {
        using var clock = new SharedClock(Hour.AddHours(2));
        var parts = RollupEngine.On(azurite.NewStorage(), clock);
        var events = Enumerable.Range(0, 50).Select(i => Events.Request(i, Hour)).ToList();
        await parts.StoreAsync(events, clock.GetUtcNow());
        var partials = await PartialRowsAsync(parts);

        await CompactAsync(parts, clock);
        // As if the fold had written its rows and stopped: the partials are back, older than the rows' FoldedTo.
        foreach (var (table, rows) in partials)
            foreach (var row in rows) await table.UpsertEntityAsync(row, TableUpdateMode.Replace);
        await parts.Dirty.MarkAsync(EventKind.Requests, [Hour]);

        Assert.Equal(ServiceAnswers.Expected(events), await ServiceAnswers.AnswerAsync(parts, Day, Grain.Day));
        await CompactAsync(parts, clock);
        Assert.Empty(await PartialRowsAsync(parts));
        Assert.Equal(ServiceAnswers.Expected(events), await ServiceAnswers.AnswerAsync(parts, Day, Grain.Day));
    }

    /// <summary>
    /// Issue 12 §3: a run packs the partials since the last one into the hour's pack and reads nothing else, however many
    /// settled rows the hour has; the pack counts at once and is merged into the settled rows once it has gathered for
    /// MergeEvery.
    /// </summary>
    [Fact]
    public async Task Runs_pack_the_partials_since_the_last_one_and_merge_the_packs_into_the_hour_every_few_minutes()
    {
        using var clock = new SharedClock(Hour.AddMinutes(10));
        var parts = RollupEngine.On(azurite.NewStorage(), clock);
        var stored = new List<RequestEvent>();
        async Task<CompactionSummary> WriteThenCompactAsync(int from, int count)
        {
            var batch = Enumerable.Range(from, count).Select(i => Events.Request(i, Hour, i % 2 == 0 ? "orders-api" : "billing-api")).ToList();
            await parts.StoreAsync(batch, clock.GetUtcNow());
            stored.AddRange(batch);
            var partialRows = (await PartialRowsAsync(parts)).Sum(t => t.Rows.Count(row => !PartialRows.IsPacked(row)));
            var packs = (await PartialRowsAsync(parts)).Sum(t => t.Rows.Count(PartialRows.IsPacked));
            var summary = await CompactAsync(parts, clock);
            Assert.Equal(ServiceAnswers.Expected(stored), await ServiceAnswers.AnswerAsync(parts, Day, Grain.Day));
            // Unless it merged, a run read the new partials, the packs and the coverage rows: not the hour's settled rows.
            if (summary.HoursMerged == 0)
                Assert.Equal(partialRows + packs + (stored.Count > count ? Families.RequestFamilies.Length : 0), summary.RollupRowsRead);
            Assert.Equal(HourRollup.Of(batch).Count, summary.PartialsFolded);
            return summary;
        }

        Assert.Equal(0, (await WriteThenCompactAsync(0, 400)).HoursMerged);
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(0, (await WriteThenCompactAsync(400, 300)).HoursMerged);
        // One pack per family, rewritten with the new partials: a query reads one, however many runs it gathered.
        Assert.Equal(Families.RequestFamilies.Length, (await PartialRowsAsync(parts)).Sum(t => t.Rows.Count(PartialRows.IsPacked)));

        clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(Families.RequestFamilies.Length, (await WriteThenCompactAsync(700, 200)).HoursMerged);
        Assert.Empty(await PartialRowsAsync(parts));

        // The hour now has settled rows for 900 events' keys; the next small batch's run reads its partials and the coverage.
        clock.Advance(TimeSpan.FromMinutes(1));
        var small = await WriteThenCompactAsync(900, 3);
        Assert.Equal((0, 2 * Families.RequestFamilies.Length), (small.HoursMerged, (int)small.RollupRowsRead));
        Assert.False(Assert.Single(await parts.Dirty.ListAsync(EventKind.Requests)).Folded); // its packs still wait for a merge
    }

    /// <summary>
    /// Random traffic, replays (some with a changed copy), compactions (some while batches are being written, some
    /// stopped before their deletes) and a moving clock with a fold delay: after every step, every answer — by hour,
    /// by day and over the whole window — equals the exact computation over the first copy of each stored event.
    /// With <paramref name="firstWritesStop"/>, some new batches' first write stops at a random step and the batch is
    /// sent again, sometimes after a compaction (decided by a second generator, so the seed's traffic stays the same).
    /// </summary>
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, false)]
    [InlineData(4, false)]
    [InlineData(5, false)]
    [InlineData(6, false)]
    [InlineData(34, false)] // a pack stopped midway left an older rewrite of the open pack beside the latest
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    public async Task Every_state_of_ingestion_and_compaction_answers_exactly(int seed, bool firstWritesStop)
    {
        var random = new Random(seed);
        var stops = new Random(seed * 7919);
        using var clock = new SharedClock(Hour);
        var parts = RollupEngine.On(azurite.NewStorage(), clock, foldDelay: TimeSpan.FromSeconds(30));
        var stored = new Dictionary<(string, string, DateTimeOffset), RequestEvent>();
        var batches = new List<List<RequestEvent>>();
        var next = 0;
        List<RequestEvent> NewBatch() => Enumerable.Range(0, random.Next(1, 40)).Select(_ =>
        {
            var i = next++;
            // Mostly the current hour; some in the hour before and a few late ones from the day before.
            var at = RollupCalendar.HourOf(clock.GetUtcNow()).AddHours(-(random.Next(10) switch { < 7 => 0, < 9 => 1, _ => 20 }))
                .AddSeconds(random.Next(3600));
            return Events.Request(i, at, random.Next(3) == 0 ? "billing-api" : "orders-api") with { Timestamp = at };
        }).ToList();
        async Task WriteAsync(List<RequestEvent> batch)
        {
            await parts.StoreAsync(batch, clock.GetUtcNow());
            lock (stored)
                foreach (var e in batch) stored.TryAdd((e.Service, e.Id, RollupCalendar.HourOf(e.Timestamp)), e);
        }

        for (var step = 0; step < 30; step++)
        {
            switch (random.Next(8))
            {
                case 0 or 1 or 2:
                    var batch = NewBatch();
                    batches.Add(batch);
                    if (firstWritesStop && stops.Next(3) == 0)
                    {
                        var first = Assert.IsType<WriteOutcome.Stored>(await parts.WriteAsync(batch, clock.GetUtcNow()));
                        // Markers stay: other batches may have marked the same hours.
                        var stoppedAfter = (StoppedAfter)stops.Next((int)StoppedAfter.Complete + 1);
                        await StoppedWrites.StopAfterAsync(parts, first.BatchId, stoppedAfter is StoppedAfter.Partials ? StoppedAfter.Markers : stoppedAfter, null);
                        if (stops.Next(2) == 0)
                        {
                            clock.Advance(TimeSpan.FromSeconds(stops.Next(0, 60)));
                            await parts.Compaction.RunAsync();
                        }
                    }
                    await WriteAsync(batch);
                    break;
                case 3 when batches.Count > 0:
                    // Sent again, sometimes with one event changed.
                    var replay = batches[random.Next(batches.Count)].Select(e => random.Next(5) == 0 ? e with { Status = 500, DurationMs = e.DurationMs + 7 } : e).ToList();
                    await WriteAsync(replay);
                    break;
                case 4:
                    // Batches landing while a compaction runs.
                    var during = new[] { NewBatch(), NewBatch() };
                    batches.AddRange(during);
                    await Task.WhenAll(parts.Compaction.RunAsync(), WriteAsync(during[0]), WriteAsync(during[1]));
                    break;
                case 5:
                    // A fold that stops before deleting what it folded.
                    var partials = await PartialRowsAsync(parts);
                    await parts.Compaction.RunAsync();
                    foreach (var (table, rows) in partials)
                        foreach (var row in rows.Where(_ => random.Next(2) == 0)) await table.UpsertEntityAsync(row, TableUpdateMode.Replace);
                    break;
                default:
                    await parts.Compaction.RunAsync();
                    break;
            }
            clock.Advance(TimeSpan.FromSeconds(random.Next(0, 900)));

            var window = new QueryWindow(Hour.AddDays(-2), QueryWindow.CeilingHour(clock.GetUtcNow()));
            var expected = ServiceAnswers.Expected(stored.Values);
            foreach (var grain in Enum.GetValues<Grain>())
                Assert.True(expected.SequenceEqual(await ServiceAnswers.AnswerAsync(parts, window, grain)), $"seed {seed}, step {step}, {grain}: answer differs from the exact one");
            var byHour = (await parts.ReadAsync([Families.Service], window, Grain.Hour))[Families.Service]
                .GroupBy(s => s.Start).ToDictionary(g => g.Key, g => g.Sum(s => s.Cell.Requests));
            var exactByHour = stored.Values.GroupBy(e => RollupCalendar.HourOf(e.Timestamp)).ToDictionary(g => g.Key, g => (long)g.Count());
            Assert.Equal(exactByHour.OrderBy(h => h.Key), byHour.OrderBy(h => h.Key));
        }
    }

    [Fact]
    public async Task A_recompute_drops_rollup_rows_no_longer_produced()
    {
        using var clock = new SharedClock(Hour.AddHours(2));
        var parts = RollupEngine.On(azurite.NewStorage(), clock);
        await parts.StoreAsync([Events.Request(1, Hour, "old-service")], clock.GetUtcNow());
        await parts.Compaction.RunAsync();
        var table = await parts.Storage.TableAsync(TableNames.RawEvents(EventKind.Requests, RawDayTables.DayOf(Hour)));
        await table.DeleteEntityAsync(HourBucket.PartitionKey(Hour.AddSeconds(1), "old-service:e-1", RollupOptions.DefaultShards), "old-service:e-1");
        await parts.StoreAsync([Events.Request(2, Hour, "new-service")], clock.GetUtcNow());

        await parts.Compaction.RecomputeAsync(EventKind.Requests, [Hour]);

        var rollups = await parts.Storage.TableAsync(TableNames.Rollups(Families.Service, Grain.Hour));
        var services = (await rollups.QueryAsync<TableEntity>($"PartitionKey eq '{RollupPartitions.Key(EventKind.Requests, Families.Service, Grain.Hour, Hour)}'").ToListAsync())
            .Select(r => r.GetString("D0"));
        Assert.Equal(["new-service"], services);
    }

    /// <summary>One compaction a tick after the last write, as real time would have moved on.</summary>
    private static Task<CompactionSummary> CompactAsync(RollupEngine parts, SharedClock clock)
    {
        clock.Advance(TimeSpan.FromTicks(1));
        return parts.Compaction.RunAsync();
    }

    /// <summary>The partial and packed rows of every request family, by table: what a fold deletes (never its coverage rows, which only move on).</summary>
    internal static async Task<List<(TableClient Table, List<TableEntity> Rows)>> PartialRowsAsync(RollupEngine parts)
    {
        var found = new List<(TableClient, List<TableEntity>)>();
        foreach (var family in Families.RequestFamilies)
        {
            var table = await parts.Storage.TableAsync(TableNames.Rollups(family, Grain.Hour));
            var rows = await table.QueryAsync<TableEntity>(e => true).Where(row => PartialRows.Is(row) && !PartialRows.IsCoverage(row)).ToListAsync();
            if (rows.Count > 0) found.Add((table, rows));
        }
        return found;
    }
}
