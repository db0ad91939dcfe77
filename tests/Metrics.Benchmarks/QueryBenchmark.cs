using System.Diagnostics;
using Azure.Data.Tables;
using Metrics.Azurite;
using Metrics.Core;
using Metrics.Core.Ingestion;
using Metrics.Core.Pricing;
using Metrics.Core.Queries;
using Metrics.Core.Retention;
using Metrics.Core.Rollups;
using Metrics.Core.Sketches;
using Metrics.Functions.Queries;
using Metrics.Rollups;
using Metrics.Rollups.Compaction;
using Metrics.Rollups.Ingest;
using Metrics.Rollups.Queries;
using Metrics.Rollups.Tables;
using Metrics.Storage;
using Metrics.Storage.Tables;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Benchmarks;

/// <summary>
/// Issue 3's figures in one run: for a small and a large volume of request events over the same 30 days
/// and the same dimension values, the storage requests and latency of a 30-day performance summary and a
/// 30-day breakdown by each dimension family (through the query engine: RollupReader + reports, no HTTP); the worst
/// percentile error over random ranges against the exact lower quantile; and compaction time of one busy hour.
/// </summary>
internal static class QueryBenchmark
{
    public static readonly Benchmark Definition = new("queries",
        "storage requests and latency of 30-day queries at two volumes, percentile error, compaction of one busy hour",
        """
                   --small N        events in the small data set (default 10000)
                   --large N        events in the large data set (default 1000000)
                   --repeats N      timed runs of each query per volume, alternating volumes (default 9; the median is reported)
                   --busy-hour N    events in the one hour whose compaction is timed (default 50000)
                   --day-small N    events in the small set of one day, for the 24-hour breakdown by user (default 10000)
                   --day-large N    events in the large set of one day (default 100000)
                   --rows-only      only count the day and week rollup rows of both volumes, as they would be written, without Azurite
                   --raw-large      load the large set as the small one, through raw rows and compaction of its 720 hours,
                                    instead of writing its day rollups directly (hours on Azurite at 1,000,000 events)
        """,
        RunAsync);

    /// <summary>The breakdowns timed: one per family read (model reads the service family, membership the user family).</summary>
    private static readonly string[] Breakdowns = ["service", "endpoint", "country", "org", "user"];

    private static readonly DateTimeOffset End = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly QueryWindow ThirtyDays = new(End.AddDays(-30), End);
    /// <summary>24 hours across a midnight, as <c>range=24h</c> asks at noon: read from hour rows, not a day's.</summary>
    private static readonly QueryWindow OneDay = new(End.AddHours(-36), End.AddHours(-12));

    private static async Task<int> RunAsync(BenchmarkArguments args)
    {
        var small = args.Int("small", 10_000, 1_000, 10_000_000);
        var large = args.Int("large", 1_000_000, 1_000, 10_000_000);
        var repeats = args.Int("repeats", 9, 1, 100);
        var busyHour = args.Int("busy-hour", 50_000, 1_000, 1_000_000);
        var daySmall = args.Int("day-small", 10_000, 1_000, 10_000_000);
        var dayLarge = args.Int("day-large", 100_000, 1_000, 10_000_000);
        var rawLarge = args.Flag("raw-large");
        var rowsOnly = args.Flag("rows-only");
        args.RejectUnknown();
        if (rowsOnly)
        {
            foreach (var volume in new[] { small, large }) CountRows(volume);
            return 0;
        }

        await using var azurite = await AzuriteLauncher.StartOnFreePortsAsync();
        var sets = new List<Loaded> { await LoadAsync(azurite.ConnectionString, small, throughRaw: true) };
        Console.WriteLine($"loaded {small:N0} events in {sets[0].LoadSeconds:F1} s, compacted 720 hours in {sets[0].CompactSeconds:F1} s");
        var check = await LoadAsync(azurite.ConnectionString, small, throughRaw: false, prefix: "direct");
        Console.WriteLine($"day and week rollups of the same {small:N0} events written directly: equal to compaction's in all " +
            $"{await DayRollups.CompareAsync(sets[0].Storage, check.Storage):N0} rows");
        sets.Add(await LoadAsync(azurite.ConnectionString, large, rawLarge));
        Console.WriteLine(rawLarge
            ? $"loaded {large:N0} events in {sets[1].LoadSeconds:F1} s, compacted 720 hours in {sets[1].CompactSeconds:F1} s"
            : $"wrote the day and week rollups of {large:N0} events directly in {sets[1].LoadSeconds:F1} s ({sets[1].RollupRows:N0} rows)");
        // Both volumes are measured in alternation, so a burst of outside load on this shared machine hits both alike.
        Task<Measured[]> MeasureAsync(Func<Loaded, Task<long>> query) => QueryBenchmark.MeasureAsync(sets, repeats, () => azurite.CpuTime, query);
        var summaries = await MeasureAsync(async data =>
        {
            // As the performance function reads it: endpoints without their users sketches, the summary with them.
            var read = await data.Queries.RequestsAsync(ThirtyDays, Grain.Week, [Families.Endpoint, Families.Service], distinctCountsOf: [Families.Service]);
            return PerformanceReport.Build(read[Families.Endpoint], read[Families.Service], QueryFilter.None).Summary.Requests;
        });
        var breakdowns = new Dictionary<string, Measured[]>();
        foreach (var by in Breakdowns)
        {
            var family = BreakdownReport.FamilyOf(by, QueryFilter.None);
            breakdowns[by] = await MeasureAsync(async data =>
                BreakdownReport.Build(by, (await data.Queries.RequestsAsync(ThirtyDays, Grain.Week, [family]))[family],
                    QueryFilter.None, PriceList.Empty, new HashSet<string>()).Totals.Requests);
        }
        // Azurite's floor: it answers every query by scanning the whole table, so one query that matches no row
        // costs in proportion to the rows the table holds (here the endpoint family's days), whatever the query reads.
        var emptyQueries = await MeasureAsync(async data =>
        {
            var table = await data.Storage.TableAsync(TableNames.Rollups(Families.Endpoint, Grain.Day));
            return await table.QueryAsync<TableEntity>("PartitionKey eq 'absent'").CountAsync();
        });
        for (var i = 0; i < sets.Count; i++)
            foreach (var measured in breakdowns.Values.Append(summaries))
                if (measured[i].Answer != sets[i].Volume)
                    throw new InvalidOperationException($"a query counted {measured[i].Answer} requests, expected {sets[i].Volume}");
        // The user breakdown's time: reading its rows, or building the report from them (sketch merges, per row)?
        var userFamily = BreakdownReport.FamilyOf("user", QueryFilter.None);
        var buildMs = new List<string>();
        foreach (var data in sets)
        {
            var slices = (await data.Queries.RequestsAsync(ThirtyDays, Grain.Week, [userFamily]))[userFamily];
            var times = Enumerable.Range(0, repeats).Select(_ =>
            {
                var watch = Stopwatch.StartNew();
                BreakdownReport.Build("user", slices, QueryFilter.None, PriceList.Empty, new HashSet<string>());
                return watch.Elapsed.TotalMilliseconds;
            }).Order().ToList();
            buildMs.Add($"  {data.Volume,9:N0} events: {slices.Count,7:N0} rows read, report built from them in {times[repeats / 2],8:F1} ms (median)");
        }
        var daySets = new List<Loaded> { await LoadHoursAsync(azurite.ConnectionString, daySmall), await LoadHoursAsync(azurite.ConnectionString, dayLarge) };
        var dayUsers = await QueryBenchmark.MeasureAsync(daySets, repeats, () => azurite.CpuTime, async data =>
            BreakdownReport.Build("user", (await data.Queries.RequestsAsync(OneDay, Grain.Week, [userFamily]))[userFamily],
                QueryFilter.None, PriceList.Empty, new HashSet<string>()).Totals.Requests);
        for (var i = 0; i < daySets.Count; i++)
            if (dayUsers[i].Answer != daySets[i].Volume)
                throw new InvalidOperationException($"the 24-hour user breakdown counted {dayUsers[i].Answer} requests, expected {daySets[i].Volume}");
        var familyRows = new List<string>();
        foreach (var data in sets)
        {
            long all = 0;
            foreach (var family in Families.RequestFamilies)
            {
                var (days, weeks) = (await CountAsync(data, family, Grain.Day), await CountAsync(data, family, Grain.Week));
                all += days + weeks;
                familyRows.Add($"  {data.Volume,9:N0} events  {Families.NameOf(family),-11} day rows stored {days,8:N0}   week rows stored {weeks,7:N0}");
            }
            familyRows.Add($"  {data.Volume,9:N0} events  all families: {all:N0} day and week rows, {all / (double)data.Volume:F4} rows per event (target ≤ 0.1)");
        }
        var rowSizes = new List<string>();
        foreach (var data in sets)
            foreach (var family in Families.RequestFamilies)
            {
                var (rows, durations, users) = await SketchBytesAsync(data, family);
                rowSizes.Add($"  {Families.NameOf(family),-8} day cells, {data.Volume,9:N0} events: {rows,6:N0} cells, " +
                    $"sketch bytes per cell: durations {durations,7:F0}, users {users,7:F0}");
            }
        var percentileError = await PercentileErrorAsync(sets[0], 50);
        var busy = await BusyHourAsync(azurite.ConnectionString, busyHour);
        var freshness = await FreshnessProbe.MeasureAsync(azurite.ConnectionString, 20);

        Console.WriteLine();
        Console.WriteLine($"30-day queries (whole days)    storage requests {sets[0].Volume,9:N0} / {sets[1].Volume,9:N0}" +
            $"    median ms {sets[0].Volume,9:N0} / {sets[1].Volume,9:N0}    latency ratio (target ≤ 1.5)    of which Azurite CPU ms");
        void Print(string query, Measured[] m) => Console.WriteLine(
            $"  {query,-28} {m[0].Requests,26:N0} / {m[1].Requests,9:N0} {m[0].MedianMs,19:F1} / {m[1].MedianMs,9:F1} {m[1].MedianMs / m[0].MedianMs,18:F2}" +
            $" {m[0].MedianAzuriteCpuMs,20:F1} / {m[1].MedianAzuriteCpuMs,9:F1}" + (m[0].Requests == m[1].Requests ? "" : "   (request counts differ)"));
        Print("performance summary", summaries);
        foreach (var (by, measured) in breakdowns) Print($"breakdown by {by}", measured);
        Print("Azurite floor, no-row query", emptyQueries);
        Console.WriteLine($"24-hour breakdown by user (hour rows, {OneDay.From:yyyy-MM-dd HH}h to {OneDay.To:yyyy-MM-dd HH}h), events in those 24 hours " +
            $"{daySets[0].Volume:N0} / {daySets[1].Volume:N0}");
        Print("breakdown by user, 24 hours", dayUsers);
        Console.WriteLine("30-day breakdown by user: rows read, and the time to build the report from rows already read");
        buildMs.ForEach(Console.WriteLine);
        Console.WriteLine("rollup rows by family, 30 days (day rows, and week rows of the weeks that are over)");
        familyRows.ForEach(Console.WriteLine);
        Console.WriteLine("what the rows hold (the users sketch is read only where the answer shows users: not for the summary's endpoints)");
        rowSizes.ForEach(Console.WriteLine);
        Console.WriteLine($"max percentile relative error (p50/p95/p99, 50 random ranges, {small:N0} events): {percentileError:P3}");
        foreach (var (users, error) in DistinctCountErrors())
            Console.WriteLine($"distinct-count error, {users,9:N0} distinct users (worst of 5 seeds): {error:P3}");
        Console.WriteLine($"compaction of one hour with {busyHour:N0} events: {busy:F2} s ({busyHour / busy:N0} events/s)");
        Console.WriteLine($"freshness, 202 to visible in GET /api/metrics/performance ({freshness.Samples} events, one at a time): " +
            $"median {freshness.MedianMs:F0} ms, max {freshness.MaxMs:F0} ms, queries needed at most {freshness.MaxPolls}");
        return 0;
    }

    /// <summary>Relative error of the distinct-users sketch at sizes below and above its exact limit.</summary>
    private static IEnumerable<(int Users, double Error)> DistinctCountErrors()
    {
        foreach (var users in new[] { 1_000, DistinctCountSketch.ExactLimit, 5_000, 20_000, 100_000, 1_000_000 })
        {
            var worst = 0.0;
            for (var seed = 0; seed < 5; seed++)
            {
                var sketch = new DistinctCountSketch();
                for (var u = 0; u < users; u++) sketch.Add($"user-{seed}-{u}");
                worst = Math.Max(worst, Math.Abs(sketch.Estimate() - users) / (double)users);
            }
            yield return (users, worst);
        }
    }

    private sealed record Loaded(int Volume, StorageAccount Storage, RollupQueries Queries, List<RequestEvent> Events, double LoadSeconds, double CompactSeconds, long RollupRows);

    /// <summary>A query's storage requests, median time and median CPU time Azurite spent in it (out of the same runs).</summary>
    private sealed record Measured(long Requests, double MedianMs, double MedianAzuriteCpuMs, long Answer);

    private static async Task<Loaded> LoadAsync(string connectionString, int volume, bool throughRaw, string prefix = "q")
    {
        var storage = new StorageAccount(new StorageOptions { ConnectionString = connectionString, Prefix = prefix + volume });
        var engine = Engine.On(storage);
        var random = new Random(volume);
        var events = Enumerable.Range(0, volume).Select(i => Traffic.Event(random, i, ThirtyDays.From.AddSeconds(random.NextDouble() * 30 * 86400))).ToList();
        var reader = engine.GetRequiredService<RollupQueries>();
        var kept = volume <= 100_000 ? events : [];

        var watch = Stopwatch.StartNew();
        if (!throughRaw)
        {
            var rows = await DayRollups.WriteAsync(storage, events);
            return new Loaded(volume, storage, reader, kept, watch.Elapsed.TotalSeconds, 0, rows);
        }
        await Parallel.ForEachAsync(events.Chunk(1000), new ParallelOptions { MaxDegreeOfParallelism = 4 },
            async (batch, token) => await engine.GetRequiredService<IngestWriter>().StoreAsync(batch, End, token));
        var loadSeconds = watch.Elapsed.TotalSeconds;

        watch.Restart();
        var compaction = await engine.GetRequiredService<RollupCompaction>().RecomputeAsync(EventKind.Requests, ThirtyDays.Hours().ToList());
        await engine.GetRequiredService<DirtyHours>().ClearBeforeAsync(EventKind.Requests, End);
        return new Loaded(volume, storage, reader, kept, loadSeconds, watch.Elapsed.TotalSeconds, compaction.RowsWritten);
    }

    /// <summary>
    /// The day and week cells (a key's) of the weeks that are over, and the packs that hold them, that <see cref="DayRollups.WriteAsync"/>
    /// writes for the volume: counted, not written (a week's complete mark is one row more).
    /// </summary>
    private static void CountRows(int volume)
    {
        var random = new Random(volume);
        var events = Enumerable.Range(0, volume).Select(i => Traffic.Event(random, i, ThirtyDays.From.AddSeconds(random.NextDouble() * 30 * 86400))).ToList();
        var counts = Families.RequestFamilies.ToDictionary(f => f, _ => new RowCounts());
        foreach (var (grain, bucketOf) in new (Grain, Func<DateTimeOffset, DateTimeOffset>)[] { (Grain.Day, RollupCalendar.DayOf), (Grain.Week, RollupCalendar.WeekOf) })
            foreach (var bucket in events.GroupBy(e => bucketOf(e.Timestamp)).Where(b => grain == Grain.Day || b.Key.AddDays(7) <= DateTimeOffset.UtcNow))
            {
                var cells = HourRollup.Of(bucket);
                foreach (var family in Families.RequestFamilies)
                {
                    var partitionKey = RollupPartitions.Key(EventKind.Requests, family, grain, bucket.Key);
                    var keyed = cells.Where(c => c.Key.Family == family).Select(c => RollupEntities.From(partitionKey, c.Key, c.Value)).ToList();
                    var packs = SettledPacks.Pack(partitionKey, 1, keyed);
                    counts[family].Add(grain, keyed.Count, packs.Count + (grain == Grain.Week ? 1 : 0));
                    counts[family].AddBytes(keyed.Sum(EntityBytes.Of), packs.Sum(EntityBytes.Of));
                }
            }
        foreach (var (family, count) in counts)
            Console.WriteLine($"  {volume,9:N0} events  {Families.NameOf(family),-11} {count}");
        var all = counts.Values.Sum(c => c.Rows);
        Console.WriteLine($"  {volume,9:N0} events  all families: {all:N0} day and week rows stored ({counts.Values.Sum(c => c.Cells):N0} cells), " +
            $"{all / (double)volume:F4} rows per event (target ≤ 0.1); {counts.Values.Sum(c => c.PackedBytes) / (double)volume:F1} bytes per event " +
            $"as packs, {counts.Values.Sum(c => c.KeyedBytes) / (double)volume:F1} as a row per key");
    }

    /// <summary>A family's day and week cells, and the rows that store them.</summary>
    private sealed class RowCounts
    {
        private long dayCells, weekCells, dayRows, weekRows;
        public long Cells => dayCells + weekCells;
        public long Rows => dayRows + weekRows;
        public long KeyedBytes { get; private set; }
        public long PackedBytes { get; private set; }

        public void AddBytes(long keyed, long packed) => (KeyedBytes, PackedBytes) = (KeyedBytes + keyed, PackedBytes + packed);

        public void Add(Grain grain, long cells, long rows)
        {
            if (grain == Grain.Day) (dayCells, dayRows) = (dayCells + cells, dayRows + rows);
            else (weekCells, weekRows) = (weekCells + cells, weekRows + rows);
        }

        public override string ToString() =>
            $"day cells {dayCells,8:N0} ({dayCells / 30.0,7:N1} a day) in {dayRows,5:N0} rows   week cells {weekCells,7:N0} in {weekRows,4:N0} rows   " +
            $"{PackedBytes / 1e6,7:F2} MB as packs, {KeyedBytes / 1e6,7:F2} MB as a row per key";
    }

    /// <summary>One day of events (<see cref="OneDay"/>), written as the hour rows compaction would leave.</summary>
    private static async Task<Loaded> LoadHoursAsync(string connectionString, int volume)
    {
        var storage = new StorageAccount(new StorageOptions { ConnectionString = connectionString, Prefix = "h" + volume });
        var engine = Engine.On(storage);
        var random = new Random(volume + 1);
        var events = Enumerable.Range(0, volume).Select(i => Traffic.Event(random, i, OneDay.From.AddSeconds(random.NextDouble() * 86400))).ToList();
        var watch = Stopwatch.StartNew();
        var rows = await DayRollups.WriteHoursAsync(storage, events);
        Console.WriteLine($"wrote the hour rollups of {volume:N0} events in one day directly in {watch.Elapsed.TotalSeconds:F1} s ({rows:N0} rows)");
        return new Loaded(volume, storage, engine.GetRequiredService<RollupQueries>(), [], watch.Elapsed.TotalSeconds, 0, rows);
    }

    private static async Task<long> CountAsync(Loaded data, string family, Grain grain)
    {
        var table = await data.Storage.TableAsync(TableNames.Rollups(family, grain));
        return await table.QueryAsync<TableEntity>(select: ["RowKey"]).LongCountAsync();
    }

    private static async Task<Measured[]> MeasureAsync(List<Loaded> sets, int repeats, Func<TimeSpan> azuriteCpu, Func<Loaded, Task<long>> query)
    {
        var answers = new long[sets.Count];
        var requests = new long[sets.Count];
        for (var s = 0; s < sets.Count; s++)
        {
            await query(sets[s]); // warm-up: tables opened, JIT done
            var before = sets[s].Storage.Calls.TotalRequests;
            answers[s] = await query(sets[s]);
            requests[s] = sets[s].Storage.Calls.TotalRequests - before;
        }
        var times = sets.Select(_ => new List<double>()).ToArray();
        var cpu = sets.Select(_ => new List<double>()).ToArray();
        for (var i = 0; i < repeats; i++)
            for (var s = 0; s < sets.Count; s++)
            {
                var cpuBefore = azuriteCpu();
                var watch = Stopwatch.StartNew();
                await query(sets[s]);
                times[s].Add(watch.Elapsed.TotalMilliseconds);
                cpu[s].Add((azuriteCpu() - cpuBefore).TotalMilliseconds);
            }
        return [.. sets.Select((_, s) => new Measured(requests[s], times[s].Order().ElementAt(repeats / 2), cpu[s].Order().ElementAt(repeats / 2), answers[s]))];
    }

    /// <summary>A family's day cells in the 30 days, and the mean bytes of their two sketches: what grows with events.</summary>
    private static async Task<(int Cells, double Durations, double Users)> SketchBytesAsync(Loaded data, string family)
    {
        var store = new RollupStore(data.Storage, new PartialRowCache());
        long durations = 0, users = 0;
        var cells = 0;
        await foreach (var row in store.ReadAsync(CellFormats.Requests, family, Grain.Day, ThirtyDays.From, ThirtyDays.To.AddDays(-1)))
        {
            durations += row.Cell.Durations.ToBytes().Length;
            users += row.Cell.Users.ToBytes().Length;
            cells++;
        }
        return (cells, durations / (double)Math.Max(cells, 1), users / (double)Math.Max(cells, 1));
    }

    /// <summary>Worst relative error of p50/p95/p99 over random whole-hour ranges, against the exact lower quantile.</summary>
    private static async Task<double> PercentileErrorAsync(Loaded data, int ranges)
    {
        var random = new Random(7);
        var worst = 0.0;
        for (var i = 0; i < ranges; i++)
        {
            var from = ThirtyDays.From.AddHours(random.Next(0, 700));
            var window = new QueryWindow(from, from.AddHours(random.Next(1, (int)(ThirtyDays.To - from).TotalHours + 1)));
            var cell = Slices.Total((await data.Queries.RequestsAsync(window, Grain.Week, [Families.Service]))[Families.Service]);
            var exact = data.Events.Where(e => window.Contains(e.Timestamp)).Select(e => e.DurationMs).Order().ToList();
            if (exact.Count == 0) continue;
            foreach (var q in new[] { 0.50, 0.95, 0.99 })
            {
                var truth = exact[(int)Math.Floor(q * (exact.Count - 1))];
                worst = Math.Max(worst, Math.Abs(cell.PercentileMs(q) - truth) / truth);
            }
        }
        return worst;
    }

    private static async Task<double> BusyHourAsync(string connectionString, int events)
    {
        var storage = new StorageAccount(new StorageOptions { ConnectionString = connectionString, Prefix = "busy" });
        using var engine = Engine.On(storage);
        var hour = End.AddHours(-1);
        var random = new Random(3);
        var rows = Enumerable.Range(0, events).Select(i => Traffic.Event(random, i, hour.AddSeconds(random.NextDouble() * 3600))).ToList();
        await Parallel.ForEachAsync(rows.Chunk(1000), new ParallelOptions { MaxDegreeOfParallelism = 4 },
            async (batch, token) => await engine.GetRequiredService<IngestWriter>().StoreAsync(batch, End, token));
        var watch = Stopwatch.StartNew();
        await engine.GetRequiredService<RollupCompaction>().RecomputeAsync(EventKind.Requests, [hour]);
        return watch.Elapsed.TotalSeconds;
    }
}
