using System.Diagnostics;
using System.Net;
using Metrics.Azurite;

namespace Metrics.Benchmarks;

/// <summary>
/// Issue 28's figure: the same requests stored through <c>/api/ingest/requests</c> (JSON batches) and through
/// <c>/api/otlp/v1/traces</c> (protobuf exports of one SERVER span per request), each from fresh ids, through the real
/// app (local host, worker, Azurite). After a warm-up of each, runs alternate A B B A so drift of the shared machine falls on both; prints spans/s
/// ÷ events/s. Target ≥ 0.8.
/// </summary>
internal static class OtlpBenchmark
{
    public static readonly Benchmark Definition = new("otlp",
        "requests stored per second through OTLP/HTTP protobuf spans vs JSON batches of request events",
        """
                   --events N       requests per run (default 10000); four runs
                   --batch N        requests per batch or export (default 512, the exporters' default)
                   --clients N      concurrent senders (default 4)
        """,
        RunAsync);

    private const string IngestKey = "bench-ingest";

    private static async Task<int> RunAsync(BenchmarkArguments args)
    {
        var events = args.Int("events", 10_000, 1_000, 1_000_000);
        var batchSize = args.Int("batch", 512, 10, 1_000);
        var clients = args.Int("clients", 4, 1, 64);
        args.RejectUnknown();

        await using var azurite = await AzuriteLauncher.StartOnFreePortsAsync();
        await using var app = await HostedApp.StartAsync(azurite.ConnectionString, "otlp", IngestKey, shards: 8);
        var now = DateTimeOffset.UtcNow;
        var runId = Guid.NewGuid().ToString("N")[..8];

        var rates = new Dictionary<string, List<double>> { ["json"] = [], ["otlp"] = [] };
        // A warm-up of each (not counted: the first batches pay for the worker's JIT and the tables' creation), then A B B A.
        foreach (var (kind, run) in new[] { ("json", -2), ("otlp", -1), ("json", 0), ("otlp", 1), ("otlp", 2), ("json", 3) })
        {
            var requests = new SyntheticRequests($"bench-{kind}-{run}", $"{runId}-{run}", now);
            var bodies = kind == "json" ? requests.Batches(0, events, batchSize) : OtlpSpans.Exports(requests, 0, events, batchSize);
            using var poster = kind == "json" ? new BatchPoster(app.Address, IngestKey, clients)
                : new BatchPoster(app.Address, IngestKey, clients, "/api/otlp/v1/traces", "application/x-protobuf", HttpStatusCode.OK);
            var watch = Stopwatch.StartNew();
            var outcome = await poster.PostAllAsync(bodies);
            var seconds = watch.Elapsed.TotalSeconds;
            if (outcome.FirstFailure is not null) throw new InvalidOperationException(outcome.FirstFailure);
            if (run >= 0) rates[kind].Add(events / seconds);
            Console.WriteLine($"{(run < 0 ? "warm-up" : $"run {run}")}: {kind,-4} {events:N0} requests in {bodies.Count} bodies of {bodies.Average(b => b.Length) / 1024:F0} KiB: " +
                $"{seconds:F1} s, {events / seconds:N0}/s, p50 {outcome.Latency(0.5).TotalMilliseconds:F0} ms");
        }

        var ratio = rates["otlp"].Average() / rates["json"].Average();
        Console.WriteLine();
        Console.WriteLine($"OTLP spans/s ÷ batch events/s: {ratio:F2} (mean of two runs each: {rates["otlp"].Average():N0} vs {rates["json"].Average():N0}); target ≥ 0.8");
        return 0;
    }
}
