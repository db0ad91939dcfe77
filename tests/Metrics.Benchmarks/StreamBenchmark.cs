using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Metrics.Azurite;
using Metrics.Rollups.Compaction;

namespace Metrics.Benchmarks;

/// <summary>
/// Issue 12's figures: services stream request events at a fixed rate through the real app (local host, worker,
/// Azurite) while the summary, the default breakdown and the hourly series are timed every few seconds and a probe
/// measures freshness (202 → counted); compaction runs every 10 s as its timer does, driven through the admin API so
/// each run's summary is kept. Then the stream stops, everything is compacted, and the same queries are timed quiet.
/// Prints, per query, streaming ÷ quiet median latency; freshness median and max; rows compaction read per run and per
/// event.
/// </summary>
internal static class StreamBenchmark
{
    public static readonly Benchmark Definition = new("stream",
        "query latency while events stream in against the same queries quiet and compacted; freshness; compaction's rows per event",
        """
                   --rate N         events per second, over all services (default 10)
                   --minutes N      how long the stream runs (default 3)
                   --services N     services sending, each one batch a second (default 5)
                   --every N        seconds between two rounds of timed queries (default 3)
                   --quiet N        timed rounds once quiet and compacted (default 15)
                   --fold-every N   seconds between compaction runs (default 10, the timer's schedule)
                   --fold-delay N   the app's Storage:FoldDelay in seconds (default 10)
                   --merge-every N  the app's Storage:MergeEvery in seconds (default 300)
        """,
        RunAsync);

    private const string IngestKey = "bench-ingest";
    private const string Probe = "freshness-probe";

    /// <summary>The queries timed, as the dashboard asks them, and two controls that read none of the streamed data.</summary>
    private static readonly (string Name, string Path)[] Queries =
    [
        ("summary", "/api/metrics/performance?range=24h"),
        ("breakdown", "/api/metrics/breakdown?range=24h"),
        ("hourly series", "/api/metrics/timeseries?range=24h&interval=hour"),
        // What the machine's load alone does to a request: a storage ping, and a summary of a day with no data (on
        // Azurite it still filters the same tables, which hold the stream's rows and partials).
        ("control: ping", "/api/health"),
        ("control: empty", "/api/metrics/performance?from=" + HourIso(DateTimeOffset.UtcNow.AddDays(-3)) + "&to=" + HourIso(DateTimeOffset.UtcNow.AddDays(-2))),
    ];

    private static async Task<int> RunAsync(BenchmarkArguments args)
    {
        var rate = args.Int("rate", 10, 1, 5_000);
        var minutes = args.Int("minutes", 3, 1, 120);
        var services = args.Int("services", 5, 1, 50);
        var every = args.Int("every", 3, 1, 60);
        var quietRounds = args.Int("quiet", 15, 3, 200);
        var foldEvery = args.Int("fold-every", 10, 1, 600);
        var foldDelay = args.Int("fold-delay", 10, 0, 600);
        var mergeEvery = args.Int("merge-every", 300, 0, 3600);
        args.RejectUnknown();

        await using var azurite = await AzuriteLauncher.StartOnFreePortsAsync();
        await using var app = await HostedApp.StartAsync(azurite.ConnectionString, "stream", IngestKey, shards: 8,
            new Dictionary<string, string?>
            {
                ["Storage:FoldDelay"] = TimeSpan.FromSeconds(foldDelay).ToString("c", CultureInfo.InvariantCulture),
                ["Storage:MergeEvery"] = TimeSpan.FromSeconds(mergeEvery).ToString("c", CultureInfo.InvariantCulture),
            });
        using var http = app.CreateAdminClient();
        http.DefaultRequestHeaders.Add(BatchPoster.KeyHeader, IngestKey);
        Console.WriteLine($"streaming {rate} events/s from {services} services for {minutes} min; queries every {every} s; " +
            $"compaction every {foldEvery} s, packing partials older than {foldDelay} s, merging packs every {mergeEvery} s");

        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(minutes));
        var traffic = new StreamTraffic(seed: 12);
        var senders = Enumerable.Range(0, services).Select(s => SendAsync(http, traffic, s, rate / (double)services, stop.Token)).ToList();
        var compactions = CompactEveryAsync(http, TimeSpan.FromSeconds(foldEvery), stop.Token);
        var streaming = Queries.ToDictionary(q => q.Name, _ => new List<(double Ms, long Bytes, bool BesideCompaction)>());
        var freshness = new List<double>();
        var probeEvents = 0;
        // Let the stream reach its rate before timing anything.
        await Task.Delay(TimeSpan.FromSeconds(Math.Min(20, minutes * 60 / 4)), CancellationToken.None);
        while (!stop.IsCancellationRequested)
        {
            foreach (var (name, path) in Queries) streaming[name].Add(await TimeAsync(http, path));
            freshness.Add(await FreshnessAsync(http, traffic, ++probeEvents));
            try { await Task.Delay(TimeSpan.FromSeconds(every), stop.Token); }
            catch (OperationCanceledException) { }
        }
        // Whatever the read path keeps between queries (the partials' cells) is paid in the worker's memory.
        var workerMemory = (Now: ProcessMemory.ResidentMegabytes(app.WorkerProcessId), Peak: ProcessMemory.PeakResidentMegabytes(app.WorkerProcessId));
        var sent = (await Task.WhenAll(senders)).Aggregate((a, b) => (a.Events + b.Events, a.Batches + b.Batches, a.Ms.Concat(b.Ms).ToList()));
        var runs = await compactions;

        // Quiet and compacted: nothing arrives; runs pack what is left, until one merges the packs into the settled rows or
        // finds nothing left to pack. An hour whose partials are all packed is not looked at again until more arrive, so
        // in the quiet its merge may never come (seen 2026-12-08: ten minutes of runs merging nothing); waiting for it
        // hung the benchmark. The runs' pace does not matter here: the partials' delay does.
        await Task.Delay(TimeSpan.FromSeconds(foldDelay + 1));
        var settle = new List<JsonElement>();
        var settling = Stopwatch.StartNew();
        while (settle.Count == 0 || (settle[^1].GetProperty("HoursMerged").GetInt32() == 0 && settle[^1].GetProperty("PartialsFolded").GetInt64() > 0))
        {
            if (settle.Count > 0) await Task.Delay(TimeSpan.FromSeconds(Math.Min(foldEvery, foldDelay + 1)));
            settle.Add(await CompactAsync(http));
        }
        var quiet = Queries.ToDictionary(q => q.Name, _ => new List<(double Ms, long Bytes, bool BesideCompaction)>());
        // At the streaming rounds' pace: back to back, the process stays warm (caches, thread pool, CPU clock) and a
        // query is faster than the same query asked every few seconds, which would count against the stream.
        for (var round = 0; round < quietRounds; round++)
        {
            if (round > 0) await Task.Delay(TimeSpan.FromSeconds(every));
            foreach (var (name, path) in Queries) quiet[name].Add(await TimeAsync(http, path));
        }
        var total = await CountAsync(http, Queries[0].Path);
        var expected = sent.Events + probeEvents;

        Console.WriteLine();
        Console.WriteLine($"sent {sent.Events:N0} events in {sent.Batches:N0} batches (202 median {Median(sent.Ms):F0} ms, max {sent.Ms.Max():F0} ms) " +
            $"and {probeEvents} probe events; the summary counts {total:N0} ({(total == expected ? "all of them" : $"EXPECTED {expected:N0}")})");
        Console.WriteLine();
        Console.WriteLine($"{"query",-14} {"streaming median",17} {"p95",8} {"quiet median",13} {"ratio",6} {"answer size",12}");
        foreach (var (name, _) in Queries)
        {
            var (s, q) = (streaming[name].Select(m => m.Ms).ToList(), quiet[name].Select(m => m.Ms).ToList());
            Console.WriteLine($"{name,-14} {Median(s),14:F1} ms {Quantile(s, 0.95),5:F0} ms {Median(q),10:F1} ms {Median(s) / Median(q),6:F2} {streaming[name].Max(m => m.Bytes),9:N0} B");
        }
        // Azurite is one process on one event loop: a query that meets a compaction run waits behind its reads and writes.
        Console.WriteLine("the streaming queries split by whether a compaction run overlapped them: median (ratio to quiet), samples");
        foreach (var (name, _) in Queries)
        {
            var q = Median(quiet[name].Select(m => m.Ms).ToList());
            string Part(bool beside) => streaming[name].Where(m => m.BesideCompaction == beside).Select(m => m.Ms).ToList() is { Count: > 0 } ms
                ? $"{Median(ms),6:F1} ms ({Median(ms) / q:F2}), {ms.Count,3}" : "none";
            Console.WriteLine($"  {name,-14} without: {Part(false)}; beside a compaction: {Part(true)}");
        }
        // On Azurite a request's cost grows with the rows of the tables it filters, and they grow all through the stream:
        // the quiet rounds meet the end's tables, so the whole stream's median flatters it. Its last minute does not.
        var lastRounds = Math.Max(3, 60 / every);
        Console.WriteLine($"the stream's last minute ({lastRounds} rounds), tables as big as when quiet: median (ratio to quiet)");
        foreach (var (name, _) in Queries)
        {
            var last = Median(streaming[name].TakeLast(lastRounds).Select(m => m.Ms).ToList());
            Console.WriteLine($"  {name,-14} {last,6:F1} ms ({last / Median(quiet[name].Select(m => m.Ms).ToList()):F2})");
        }
        Console.WriteLine();
        Console.WriteLine($"freshness (202 -> counted by the next queries), {freshness.Count} probes: median {Median(freshness):F0} ms, max {freshness.Max():F0} ms");
        Console.WriteLine($"worker resident memory at the end of the stream: {workerMemory.Now:F0} MiB (peak {workerMemory.Peak:F0} MiB)");
        var busy = runs.Where(r => r.Folded > 0).ToList();
        Console.WriteLine($"compaction: {runs.Count} runs while streaming, {busy.Count} folded something, {runs.Count(r => r.Merged > 0)} of them merged packs into settled rows");
        foreach (var (what, these) in new[] { ("packing only", busy.Where(r => r.Merged == 0).ToList()), ("packing and merging", busy.Where(r => r.Merged > 0).ToList()) })
            if (these.Count > 0)
                Console.WriteLine($"  {what,-20} {these.Count,3} runs: median {Median(these.Select(r => (double)r.RollupRowsRead).ToList()),7:N0} rollup rows and " +
                    $"{Median(these.Select(r => (double)r.RawRowsRead).ToList()):N0} raw rows read, median {Median(these.Select(r => r.Ms).ToList()),5:F0} ms, max {these.Max(r => r.Ms),5:F0} ms");
        var events = Math.Max(1, sent.Events);
        Console.WriteLine($"  over the stream: {runs.Sum(r => r.RollupRowsRead + r.RawRowsRead) / (double)events:F2} rows read per event ingested " +
            $"({runs.Sum(r => r.RollupRowsRead):N0} rollup + {runs.Sum(r => r.RawRowsRead):N0} raw rows for {events:N0} events), " +
            $"{runs.Sum(r => r.Folded) / (double)events:F2} partials folded per event");
        // Flex Consumption bills each run's instance time, at least a second (docs/cost.md, "Prices").
        var billedSeconds = runs.Select(r => Math.Max(1.0, r.Ms / 1000)).ToList();
        var runsPerMonth = 30 * 24 * 3600.0 / foldEvery;
        if (billedSeconds.Count > 0) Console.WriteLine($"  billed per run: median {Median(billedSeconds):F2} s, mean {billedSeconds.Average():F2} s (each at least 1 s): " +
            $"{runsPerMonth:N0} runs a month, {runsPerMonth * billedSeconds.Average() * 2.048:N0} GB-s of a 2,048 MB instance");
        Console.WriteLine($"  settling after the stream: {settle.Count} runs in {settling.Elapsed.TotalSeconds:F0} s, " +
            $"{settle.Sum(s => s.GetProperty("PartialsFolded").GetInt64()):N0} partial cells packed, then {settle[^1].GetProperty("HoursMerged").GetInt32()} hours merged");
        return total == expected ? 0 : 1;
    }

    /// <summary>One service: a batch a second (as Metrics.Client flushes), carrying the rate's share of events.</summary>
    private static async Task<(long Events, long Batches, List<double> Ms)> SendAsync(HttpClient http, StreamTraffic traffic, int service, double perSecond,
        CancellationToken stop)
    {
        long events = 0, batches = 0;
        var latencies = new List<double>();
        var owed = 0.0;
        using var tick = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await tick.WaitForNextTickAsync(stop))
            {
                owed += perSecond;
                var count = (int)owed;
                if (count == 0) continue;
                owed -= count;
                var watch = Stopwatch.StartNew();
                await PostAsync(http, traffic.Batch(service, count, DateTimeOffset.UtcNow));
                latencies.Add(watch.Elapsed.TotalMilliseconds);
                events += count;
                batches++;
            }
        }
        catch (OperationCanceledException) { }
        return (events, batches, latencies);
    }

    private sealed record CompactionRun(double Ms, long Folded, long RollupRowsRead, long RawRowsRead, long Merged);

    private static async Task<List<CompactionRun>> CompactEveryAsync(HttpClient http, TimeSpan interval, CancellationToken stop)
    {
        var runs = new List<CompactionRun>();
        using var tick = new PeriodicTimer(interval);
        try
        {
            while (await tick.WaitForNextTickAsync(stop))
            {
                var watch = Stopwatch.StartNew();
                Interlocked.Increment(ref _compacting);
                JsonElement summary;
                try { summary = await CompactAsync(http); }
                finally { Interlocked.Decrement(ref _compacting); }
                runs.Add(new CompactionRun(watch.Elapsed.TotalMilliseconds, summary.GetProperty("PartialsFolded").GetInt64(),
                    summary.GetProperty("RollupRowsRead").GetInt64(), summary.GetProperty("RawRowsRead").GetInt64(), summary.GetProperty("HoursMerged").GetInt64()));
            }
        }
        catch (OperationCanceledException) { }
        return runs;
    }

    private static async Task<JsonElement> CompactAsync(HttpClient http)
    {
        using var answer = await http.PostAsync("/admin/functions/RollupCompaction", null);
        var body = await answer.Content.ReadAsStringAsync();
        if (!answer.IsSuccessStatusCode) throw new InvalidOperationException($"RollupCompaction answered {(int)answer.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("returnValue").Clone();
    }

    /// <summary>One probe event of a service of its own, then the probe's summary until it counts it: ms from its 202.</summary>
    private static async Task<double> FreshnessAsync(HttpClient http, StreamTraffic traffic, int probeEvents)
    {
        await PostAsync(http, traffic.ProbeBatch(Probe, DateTimeOffset.UtcNow));
        var watch = Stopwatch.StartNew();
        while (await CountAsync(http, $"/api/metrics/performance?range=24h&service={Probe}") < probeEvents)
            if (watch.Elapsed > TimeSpan.FromMinutes(1)) throw new InvalidOperationException($"probe event {probeEvents} not counted after a minute");
        return watch.Elapsed.TotalMilliseconds;
    }

    private static async Task PostAsync(HttpClient http, byte[] body)
    {
        using var post = new HttpRequestMessage(HttpMethod.Post, BatchPoster.Route) { Content = new ByteArrayContent(body) };
        post.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var answer = await http.SendAsync(post);
        if (answer.StatusCode != HttpStatusCode.Accepted)
            throw new InvalidOperationException($"ingest answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
    }

    /// <summary>Compaction runs in progress (0 or 1: the runs are one after another).</summary>
    private static int _compacting;

    /// <summary>A query's time and answer size, and whether a compaction run was in progress when it started or ended.</summary>
    private static async Task<(double Ms, long Bytes, bool BesideCompaction)> TimeAsync(HttpClient http, string path)
    {
        var before = Volatile.Read(ref _compacting) > 0;
        var watch = Stopwatch.StartNew();
        using var answer = await http.GetAsync(path);
        var bytes = (await answer.Content.ReadAsByteArrayAsync()).Length;
        var ms = watch.Elapsed.TotalMilliseconds;
        if (!answer.IsSuccessStatusCode) throw new InvalidOperationException($"{path} answered {(int)answer.StatusCode}");
        return (ms, bytes, before || Volatile.Read(ref _compacting) > 0);
    }

    private static async Task<long> CountAsync(HttpClient http, string path)
    {
        using var json = JsonDocument.Parse(await http.GetStringAsync(path));
        return json.RootElement.GetProperty("summary").GetProperty("requests").GetInt64();
    }

    private static string HourIso(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH':00:00Z'", CultureInfo.InvariantCulture);

    private static double Median(List<double> values) => Quantile(values, 0.5);

    private static double Quantile(List<double> values, double q) =>
        values.Count == 0 ? double.NaN : values.Order().ElementAt((int)Math.Min(values.Count - 1, Math.Floor(q * values.Count)));
}
