using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Metrics.Azurite;
using Metrics.Rollups;
using Metrics.Storage.Tables;

namespace Metrics.Benchmarks;

/// <summary>
/// Issue 27's per-event inputs of the cost model (docs/cost.md), measured through the real app (local host, worker
/// process, Azurite): request events in service batches and beacon events in browser batches, each kind alone, and for
/// each the worker's CPU time and memory, executions, storage requests by operation (the app's own
/// <c>metrics_storage_request_duration</c> counts, scraped before and after) and the telemetry the worker's Azure
/// Monitor exporter sends (items and bytes by type, caught by <see cref="TelemetryIngestion"/>), with the app's
/// tracing as it was before sampling (every span, storage calls included) and as configured now. Then the monthly
/// dollars at 1M, 100M and 1B events (<see cref="CostModel"/>).
/// </summary>
internal static class CostBenchmark
{
    public static readonly Benchmark Definition = new("cost",
        "per 1,000 request and beacon events: worker CPU, executions, storage requests, telemetry items and bytes (before/after sampling); $ a month",
        """
                   --events N         events of each kind per configuration (default 10000)
                   --request-batch N  request events per batch, as a service's client flushes (default 100)
                   --beacon-batch N   beacon events per batch, as a page's tracker flushes (default 20)
                   --clients N        batches in flight at once (default 1: each answer's time is its own, not a queue's)
                   --only before|after  measure one telemetry configuration only
        """,
        RunAsync);

    private const string IngestKey = "bench-cost";
    private const string Site = "site_cost_bench";
    private const string Origin = "https://shop.example.com";

    /// <summary>The app's tracing before issue 27 (no sampler: every span exported) and with its defaults now.</summary>
    private static readonly (string Name, Dictionary<string, string?> Settings)[] Configurations =
    [
        ("before", new() { ["Telemetry:TraceRatio"] = "1", ["Telemetry:DependencySpans"] = "true" }),
        ("after", new()),
    ];

    internal sealed record Measured(string Kind, int Events, int Batches, double WorkerCpuSeconds, double WorkerPeakMiB,
        IReadOnlyDictionary<string, long> StorageRequests, IReadOnlyDictionary<string, (long Items, long Bytes)> Telemetry)
    {
        /// <summary>Billed bytes of one raw row (EntityBytes), averaged over a sample of the stored rows.</summary>
        public double RawBytesPerEvent { get; init; }

        /// <summary>Milliseconds to each batch's 202: median, p95, max (a span of 1 s or more is exported as slow).</summary>
        public (double Median, double P95, double Max) AnswerMs { get; init; }

        /// <summary>One compaction run over these events, right after them: its time and storage requests.</summary>
        public (double Seconds, long StorageRequests) Compaction { get; init; }

        public double Per1000(double value) => value * 1000.0 / Events;
        public long TelemetryItems => Telemetry.Where(t => t.Key != "MetricData").Sum(t => t.Value.Items);
        public long TelemetryBytes => Telemetry.Where(t => t.Key != "MetricData").Sum(t => t.Value.Bytes);
    }

    private static async Task<int> RunAsync(BenchmarkArguments args)
    {
        var events = args.Int("events", 10_000, 100, 1_000_000);
        var requestBatch = args.Int("request-batch", 100, 1, 1000);
        var beaconBatch = args.Int("beacon-batch", 20, 1, 1000);
        var clients = args.Int("clients", 1, 1, 64);
        var only = args.OptionalText("only");
        args.RejectUnknown();

        await using var azurite = await AzuriteLauncher.StartOnFreePortsAsync();
        var results = new List<CostReport.Run>();
        foreach (var (name, settings) in Configurations.Where(c => only is null || c.Name == only))
        {
            await using var ingestion = new TelemetryIngestion();
            settings["APPLICATIONINSIGHTS_CONNECTION_STRING"] = ingestion.ConnectionString;
            settings["Sites:0:Key"] = Site;
            settings["Sites:0:Origins"] = Origin;
            settings["Ingest:BeaconsPerMinute"] = "1000000";
            var started = Stopwatch.StartNew();
            await using var app = await HostedApp.StartAsync(azurite.ConnectionString, "cost" + name, IngestKey, shards: 8, settings);
            using var http = app.CreateAdminClient();
            var traffic = new StreamTraffic(seed: 27);
            // Warm-up: JIT, connections, tables created; not counted.
            await SendAsync(http, Enumerable.Range(0, 20).Select(_ => RequestBatch(traffic, requestBatch)).ToList(), clients);
            await SendAsync(http, Enumerable.Range(0, 20).Select(i => BeaconBatch(i, beaconBatch)).ToList(), clients);
            await Task.Delay(TimeSpan.FromSeconds(7));

            var requests = await MeasureAsync(app, http, ingestion, "requests", events, requestBatch, clients,
                () => RequestBatch(traffic, requestBatch));
            requests = requests with { RawBytesPerEvent = await RawBytesPerEventAsync(app, TableNames.RequestEvents), Compaction = await CompactAsync(http) };
            var beacons = await MeasureAsync(app, http, ingestion, "beacons", events, beaconBatch, clients,
                batch => BeaconBatch(1_000 + batch, beaconBatch));
            beacons = beacons with { RawBytesPerEvent = await RawBytesPerEventAsync(app, TableNames.UsageEvents), Compaction = await CompactAsync(http) };
            // The exporters' metrics leave once a minute whatever the traffic: wait for one export and count per minute.
            var deadline = Stopwatch.StartNew();
            while (!ingestion.Snapshot().ContainsKey("MetricData") && deadline.Elapsed < TimeSpan.FromSeconds(75)) await Task.Delay(1000);
            var metric = ingestion.Snapshot().GetValueOrDefault("MetricData");
            results.Add(new CostReport.Run(name, requests, beacons, (metric.Items, metric.Bytes, started.Elapsed.TotalMinutes)));
        }

        CostReport.Print(results, requestBatch, beaconBatch);
        return 0;
    }

    private static Task<Measured> MeasureAsync(HostedApp app, HttpClient http, TelemetryIngestion ingestion, string kind, int events, int batchSize,
        int clients, Func<byte[]> batch) => MeasureAsync(app, http, ingestion, kind, events, batchSize, clients, _ => batch());

    private static async Task<Measured> MeasureAsync(HostedApp app, HttpClient http, TelemetryIngestion ingestion, string kind, int events, int batchSize,
        int clients, Func<int, byte[]> batch)
    {
        var batches = (events + batchSize - 1) / batchSize;
        var bodies = Enumerable.Range(0, batches).Select(batch).ToList();
        using var worker = Process.GetProcessById(app.WorkerProcessId);
        var storageBefore = await StorageRequestsAsync(http);
        var telemetryBefore = ingestion.Snapshot();
        worker.Refresh();
        var cpuBefore = worker.TotalProcessorTime;
        lock (Answers) Answers.Clear();
        await SendAsync(http, bodies, clients);
        List<double> answers;
        lock (Answers) answers = Answers.Order().ToList();
        worker.Refresh();
        var cpu = (worker.TotalProcessorTime - cpuBefore).TotalSeconds;
        var storage = Difference(await StorageRequestsAsync(http), storageBefore);
        // The trace exporter sends every 5 s: wait for what these batches made.
        await Task.Delay(TimeSpan.FromSeconds(7));
        var telemetryAfter = ingestion.Snapshot();
        var telemetry = telemetryAfter.ToDictionary(t => t.Key,
            t => (t.Value.Items - telemetryBefore.GetValueOrDefault(t.Key).Items, t.Value.Bytes - telemetryBefore.GetValueOrDefault(t.Key).Bytes));
        return new Measured(kind, batches * batchSize, batches, cpu, ProcessMemory.PeakResidentMegabytes(app.WorkerProcessId), storage, telemetry)
        {
            AnswerMs = (answers[answers.Count / 2], answers[(int)(answers.Count * 0.95)], answers[^1]),
        };
    }

    private static async Task SendAsync(HttpClient http, List<byte[]> bodies, int clients)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < bodies.Count; i = Interlocked.Increment(ref next))
                await PostAsync(http, bodies[i]);
        }));
    }

    private static async Task PostAsync(HttpClient http, byte[] body)
    {
        var beacon = body.AsSpan().IndexOf("\"site\""u8) >= 0;
        using var post = new HttpRequestMessage(HttpMethod.Post, beacon ? "/api/ingest/usage" : BatchPoster.Route) { Content = new ByteArrayContent(body) };
        post.Content.Headers.ContentType = new MediaTypeHeaderValue(beacon ? "text/plain" : "application/json");
        if (beacon) post.Headers.Add("Origin", Origin);
        else post.Headers.Add(BatchPoster.KeyHeader, IngestKey);
        // A beacon without a browser's User-Agent is a crawler's, refused as "bot".
        if (beacon) post.Headers.UserAgent.ParseAdd("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36");
        var watch = Stopwatch.StartNew();
        using var answer = await http.SendAsync(post);
        var receipt = await answer.Content.ReadAsStringAsync();
        lock (Answers) Answers.Add(watch.Elapsed.TotalMilliseconds);
        if (answer.StatusCode != HttpStatusCode.Accepted)
            throw new InvalidOperationException($"{post.RequestUri} answered {(int)answer.StatusCode}: {receipt}");
        using var json = JsonDocument.Parse(receipt);
        if (json.RootElement.GetProperty("rejected").GetArrayLength() > 0)
            throw new InvalidOperationException($"{post.RequestUri} refused events of a generated batch: {receipt}");
    }

    /// <summary>Milliseconds from each POST to its 202, for the batches of the phase being measured.</summary>
    private static readonly List<double> Answers = [];

    private static byte[] RequestBatch(StreamTraffic traffic, int size) => traffic.Batch(service: 0, size, DateTimeOffset.UtcNow);

    /// <summary>A page's beacons: views, clicks and form posts of one visitor's session, as the tracker sends them.</summary>
    private static byte[] BeaconBatch(int batch, int size)
    {
        string[] types = ["page_view", "button_click", "form_submit", "feature_use"];
        var now = DateTimeOffset.UtcNow;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("site", Site);
            json.WriteStartArray("events");
            for (var i = 0; i < size; i++)
            {
                json.WriteStartObject();
                json.WriteString("id", $"b{batch:D7}-{i:D4}-{Environment.ProcessId}");
                json.WriteString("type", types[i % types.Length]);
                json.WriteString("timestamp", (now - TimeSpan.FromMilliseconds(100 * (size - i))).ToString("O", CultureInfo.InvariantCulture));
                json.WriteString("page", $"/products/{batch % 50}");
                if (i % types.Length != 0) json.WriteString("name", $"action-{i % 7}");
                json.WriteString("sessionId", $"s{batch:D7}");
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Billed bytes per raw row (Azure's entity size formula), over up to 1,000 rows of the kind's day tables.</summary>
    private static async Task<double> RawBytesPerEventAsync(HostedApp app, string rawTable)
    {
        var sizes = new List<long>();
        foreach (var name in await app.Storage.TableNamesAsync(rawTable))
            await foreach (var row in app.Storage.ExistingTable(name).QueryAsync<Azure.Data.Tables.TableEntity>(maxPerPage: 1000))
            {
                if (sizes.Count == 1000) break;
                sizes.Add(EntityBytes.Of(row));
            }
        return sizes.Count == 0 ? double.NaN : sizes.Average();
    }

    /// <summary>One compaction run (the timer is off in benchmarks): seconds and storage requests it made.</summary>
    private static async Task<(double Seconds, long StorageRequests)> CompactAsync(HttpClient http)
    {
        var before = await StorageRequestsAsync(http);
        var watch = Stopwatch.StartNew();
        using var answer = await http.PostAsync("/admin/functions/RollupCompaction", null);
        answer.EnsureSuccessStatusCode();
        var seconds = watch.Elapsed.TotalSeconds;
        return (seconds, Difference(await StorageRequestsAsync(http), before).Values.Sum());
    }

    /// <summary>Storage requests so far by operation, from the app's own counters (its scrape itself is not counted).</summary>
    private static async Task<Dictionary<string, long>> StorageRequestsAsync(HttpClient http)
    {
        var text = await http.GetStringAsync("/api/ops/metrics");
        var counts = new Dictionary<string, long>();
        foreach (var line in text.Split('\n').Where(l => l.StartsWith("metrics_storage_request_duration_seconds_count{", StringComparison.Ordinal)))
        {
            var labels = line[(line.IndexOf('{') + 1)..line.IndexOf('}')];
            var service = Label(labels, "service");
            var operation = $"{service} {Label(labels, "operation")}";
            counts[operation] = counts.GetValueOrDefault(operation) + (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        }
        return counts;
    }

    private static string Label(string labels, string name)
    {
        var start = labels.IndexOf(name + "=\"", StringComparison.Ordinal) + name.Length + 2;
        return labels[start..labels.IndexOf('"', start)];
    }

    private static Dictionary<string, long> Difference(Dictionary<string, long> after, Dictionary<string, long> before) =>
        after.Select(a => (a.Key, Value: a.Value - before.GetValueOrDefault(a.Key))).Where(a => a.Value > 0).ToDictionary(a => a.Key, a => a.Value);
}
