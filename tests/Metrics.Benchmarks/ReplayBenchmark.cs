using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Metrics.Azurite;

namespace Metrics.Benchmarks;

/// <summary>
/// Issue 26's first figure: what one batch sent again costs. Several services fill the last hour with events through
/// the real app (local host, worker, Azurite), compaction settles it, and the hour's summary is timed; then one
/// 1,000-event batch is sent again, as a client does after a timeout, and the same query is timed before the next
/// compaction, after it, and the rows that compaction read are counted. Prints replayed ÷ settled median latency and
/// the rows compaction read for the replay ÷ the batch's events.
/// </summary>
internal static class ReplayBenchmark
{
    public static readonly Benchmark Definition = new("replay",
        "query latency and compaction reads after one batch is sent again into an hour of many events",
        """
                   --events N       events in the hour, over all services (default 60000)
                   --services N     services sending (default 5)
                   --batch N        events per batch, and in the batch sent again (default 1000)
                   --repeats N      timed queries per state (default 15)
        """,
        RunAsync);

    private const string IngestKey = "bench-ingest";
    private const string Summary = "/api/metrics/performance?range=24h";
    private static readonly TimeSpan FoldDelay = TimeSpan.FromSeconds(10);

    private static async Task<int> RunAsync(BenchmarkArguments args)
    {
        var events = args.Int("events", 60_000, 1_000, 5_000_000);
        var services = args.Int("services", 5, 1, 50);
        var batchSize = args.Int("batch", 1_000, 10, 1_000);
        var repeats = args.Int("repeats", 15, 3, 200);
        args.RejectUnknown();

        await using var azurite = await AzuriteLauncher.StartOnFreePortsAsync();
        await using var app = await HostedApp.StartAsync(azurite.ConnectionString, "replay", IngestKey, shards: 8);
        using var http = app.CreateAdminClient();

        // The last whole hour: every event in one hour, none in the future.
        var hourEnd = new DateTimeOffset(DateTimeOffset.UtcNow.UtcDateTime.Date.AddHours(DateTimeOffset.UtcNow.Hour), TimeSpan.Zero);
        var runId = Guid.NewGuid().ToString("N")[..8];
        var traffic = Enumerable.Range(0, services).Select(s => new SyntheticRequests($"service-{s}", $"{runId}-{s}", hourEnd, TimeSpan.FromMinutes(59))).ToList();
        var perService = events / services;
        var bodies = traffic.SelectMany(t => t.Batches(0, perService, batchSize)).ToList();
        Console.WriteLine($"{perService * services:N0} events from {services} services in the hour {hourEnd.AddHours(-1):yyyy-MM-dd HH}:00, " +
            $"{bodies.Count:N0} batches of {batchSize}; the batch sent again is batch {bodies.Count / 2}");

        using (var poster = new BatchPoster(app.Address, IngestKey, clients: 4))
        {
            var posting = Stopwatch.StartNew();
            var outcome = await poster.PostAllAsync(bodies);
            if (outcome.FirstFailure is not null) throw new InvalidOperationException(outcome.FirstFailure);
            Console.WriteLine($"stored in {posting.Elapsed.TotalSeconds:F0} s");
        }
        await SettleAsync(http);
        var total = await CountAsync(http);
        var settled = await TimeAsync(http, repeats);

        var replayed = bodies[bodies.Count / 2];
        using (var poster = new BatchPoster(app.Address, IngestKey, clients: 1))
        {
            var outcome = await poster.PostAllAsync([replayed]);
            if (outcome.FirstFailure is not null) throw new InvalidOperationException(outcome.FirstFailure);
        }
        var afterReplay = await TimeAsync(http, repeats);
        await Task.Delay(FoldDelay + TimeSpan.FromSeconds(1));
        var compaction = await CompactAsync(http);
        var rowsRead = compaction.GetProperty("RawRowsRead").GetInt64() + compaction.GetProperty("RollupRowsRead").GetInt64();
        var afterCompaction = await TimeAsync(http, repeats);
        var totalAfter = await CountAsync(http);

        Console.WriteLine();
        Console.WriteLine($"the summary counts {total:N0} events before the replay and {totalAfter:N0} after " +
            $"({(total == perService * services && totalAfter == total ? "exact" : $"EXPECTED {perService * services:N0}")})");
        Console.WriteLine($"{"summary (range=24h)",-34} {"median ms",10} {"min ms",8} {"÷ settled",10}");
        foreach (var (name, ms) in new[] { ("settled", settled), ("after the replay", afterReplay), ("after the next compaction", afterCompaction) })
            Console.WriteLine($"{name,-34} {Median(ms),10:F1} {ms.Min(),8:F1} {Median(ms) / Median(settled),10:F2}");
        Console.WriteLine($"the compaction after the replay read {rowsRead:N0} rows ({compaction.GetProperty("RawRowsRead").GetInt64():N0} raw, " +
            $"{compaction.GetProperty("RollupRowsRead").GetInt64():N0} rollup): {rowsRead / (double)batchSize:F2}× the batch's {batchSize:N0} events");
        return total == perService * services && totalAfter == total ? 0 : 1;
    }

    /// <summary>Compaction runs until the hour's partials are packed and merged (the hour is over, so the first fold merges).</summary>
    private static async Task SettleAsync(HttpClient http)
    {
        await Task.Delay(FoldDelay + TimeSpan.FromSeconds(1));
        var watch = Stopwatch.StartNew();
        var first = await CompactAsync(http);
        await CompactAsync(http);
        Console.WriteLine($"compacted in {watch.Elapsed.TotalSeconds:F0} s (first run: {first.GetProperty("RawRowsRead").GetInt64():N0} raw rows, " +
            $"{first.GetProperty("PartialsFolded").GetInt64():N0} partial cells folded)");
    }

    private static async Task<List<double>> TimeAsync(HttpClient http, int repeats)
    {
        var times = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            using var answer = await http.GetAsync(Summary);
            await answer.Content.ReadAsByteArrayAsync();
            times.Add(watch.Elapsed.TotalMilliseconds);
            if (answer.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{Summary} answered {(int)answer.StatusCode}");
        }
        return times;
    }

    private static async Task<long> CountAsync(HttpClient http)
    {
        using var answer = JsonDocument.Parse(await http.GetStringAsync(Summary));
        return answer.RootElement.GetProperty("summary").GetProperty("requests").GetInt64();
    }

    private static async Task<JsonElement> CompactAsync(HttpClient http)
    {
        using var answer = await http.PostAsync("/admin/functions/RollupCompaction", null);
        var body = await answer.Content.ReadAsStringAsync();
        if (!answer.IsSuccessStatusCode) throw new InvalidOperationException($"RollupCompaction answered {(int)answer.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("returnValue").Clone();
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
