using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrics.Core.Exports;
using Metrics.Functions.Tests.Exports;
using Metrics.Functions.Tests.Ingest;
using Metrics.Functions.Tests.Nightly;
using Metrics.Functions.Tests.Queries;
using Metrics.Storage.Exports;
using Metrics.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Functions.Tests.Scaling;

/// <summary>
/// Issue 26 §5, as a deployment runs: three hosts (three worker processes) on one storage account, batches sprayed across
/// them and sent again through another, compactions started on all three at once, one instance stopped and another
/// started mid-stream, two exports. No run fails, every answer of every instance is exact, every export is produced once.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SeveralInstancesTests(SharedAzurite azurite)
{
    private static readonly DateTimeOffset Now = new(2026, 5, 4, 12, 30, 0, TimeSpan.Zero);
    private static readonly string[] Services = ["orders-api", "billing-api", "search-api"];

    [Fact]
    public async Task Three_instances_with_replays_a_restart_and_compactions_at_once_count_every_event_once_and_produce_each_export_once()
    {
        var random = new Random(26);
        using var clock = new SharedClock(Now);
        var settings = new Dictionary<string, string?> { ["Storage:Prefix"] = SharedAzurite.UniquePrefix() };
        var instances = new List<TestApp>();
        try
        {
            for (var i = 0; i < 3; i++) instances.Add(await TestApp.StartAsync(azurite.ConnectionString, settings, clock));
            var sent = new List<(string Service, JsonObject Batch)>();
            var counted = new Dictionary<string, HashSet<string>>();
            var next = 0;
            var exports = new List<string>();

            for (var round = 0; round < 6; round++)
            {
                // Two new batches and one sent again, each through an instance of its own, at once.
                var posts = new List<(TestApp Through, JsonObject Batch)>();
                for (var b = 0; b < 2; b++)
                {
                    var service = Services[random.Next(Services.Length)];
                    var events = Enumerable.Range(next, random.Next(20, 80))
                        .Select(i => (JsonNode)Batches.RequestEvent(i, Now.AddMinutes(-random.Next(1, 90)))).ToList();
                    next += events.Count;
                    var batch = Batches.Requests(service, events);
                    sent.Add((service, batch));
                    posts.Add((instances[random.Next(3)], batch));
                }
                posts.Add((instances[random.Next(3)], sent[random.Next(sent.Count)].Batch.DeepClone().AsObject()));
                var answers = await Task.WhenAll(posts.Select(p => p.Through.Client.PostRequestsAsync(p.Batch)));
                Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.StatusCode));
                foreach (var (service, batch) in sent)
                    foreach (var e in batch["events"]!.AsArray())
                        (counted.TryGetValue(service, out var ids) ? ids : counted[service] = []).Add(e!["id"]!.GetValue<string>());

                if (round == 1) exports.Add(await instances[0].Client.StartExportAsync(new JsonObject { ["kind"] = "breakdown", ["by"] = "service" }));
                if (round == 2)
                {
                    // One instance goes away mid-stream and another takes its place.
                    await instances[1].DisposeAsync();
                    instances[1] = await TestApp.StartAsync(azurite.ConnectionString, settings, clock);
                    exports.Add(await instances[1].Client.StartExportAsync(new JsonObject { ["kind"] = "breakdown", ["by"] = "org" }));
                }

                var runs = await Task.WhenAll(instances.Select(app => app.RunTimerAsync(TimerCalls.Compaction)));
                Assert.All(runs, run => Assert.True(run.StatusCode == HttpStatusCode.OK, run.ToString()));

                foreach (var app in instances) Assert.Equal(Exact(counted), await ByServiceAsync(app));
                clock.Advance(TimeSpan.FromMinutes(random.Next(1, 8)));
            }

            foreach (var id in exports) Assert.Equal("succeeded", (await instances[2].Client.WaitUntilFinishedAsync(id)).GetProperty("status").GetString());
            var store = instances[2].Services.GetRequiredService<ExportStore>();
            var blobs = new List<string>();
            await foreach (var blob in (await instances[2].Storage.ContainerAsync(ExportBlobs.Container)).GetBlobsAsync()) blobs.Add(blob.Name);
            var jobs = new List<ExportJob>();
            foreach (var id in exports) jobs.Add((await store.GetAsync(id))!);
            Assert.All(jobs, job => Assert.Equal(1, job.Attempts));
            Assert.Equal(jobs.Select(j => j.Blob!).Order(StringComparer.Ordinal), blobs.Order(StringComparer.Ordinal));
        }
        finally
        {
            foreach (var app in instances) await app.DisposeAsync();
        }
    }

    private static List<(string, long)> Exact(Dictionary<string, HashSet<string>> counted) =>
        counted.Select(s => (s.Key, (long)s.Value.Count)).OrderBy(s => s.Key, StringComparer.Ordinal).ToList();

    private static async Task<List<(string, long)>> ByServiceAsync(TestApp app) =>
        (await app.Client.GetMetricsAsync("/api/metrics/breakdown?by=service&range=24h")).GetProperty("rows").EnumerateArray()
            .Select(row => (row.GetProperty("key").GetString()!, row.GetProperty("requests").GetInt64()))
            .OrderBy(s => s.Item1, StringComparer.Ordinal).ToList();
}
