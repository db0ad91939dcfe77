using System.Net;
using System.Text.Json.Nodes;
using Metrics.Core.Exports;
using Metrics.Functions.Tests.Security;
using Metrics.Storage;
using Metrics.Storage.Exports;
using Metrics.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using static Metrics.Functions.Tests.Exports.ExportCalls;

namespace Metrics.Functions.Tests.Exports;

/// <summary>Jobs outlive the process that queued them, and are pruned with their CSVs once old.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ExportJobTests(SharedAzurite azurite)
{
    private readonly SharedClock _time = new(WholeSeconds(DateTimeOffset.UtcNow));

    [Fact]
    public async Task Jobs_left_queued_or_running_by_a_previous_process_are_finished_by_the_next()
    {
        var prefix = SharedAzurite.UniquePrefix();
        var settings = new Dictionary<string, string?> { ["Storage:Prefix"] = prefix };
        var now = _time.GetUtcNow();
        var query = new ExportQuery(ExportKinds.Breakdown, "org", null, now.AddHours(-24), now);
        var queued = ExportJob.Queued(query, now, "previous");
        var running = ExportJob.Queued(query, now.AddSeconds(-1), "previous") with { Status = ExportStatus.Running, Attempts = 1, StartedAt = now };
        // Recorded straight in storage, as a process that died before its workers got to them would leave them.
        var storage = new StorageAccount(new StorageOptions { ConnectionString = azurite.ConnectionString, Prefix = prefix });
        var previous = new ExportStore(storage, new ExportBlobs(storage), Microsoft.Extensions.Options.Options.Create(new ExportOptions()), _time);
        await previous.CreateAsync(queued);
        await previous.CreateAsync(running);

        await using var next = await TestApp.StartAsync(azurite.ConnectionString, settings, _time);

        var finishedQueued = await next.Client.WaitUntilFinishedAsync(queued.Id);
        var finishedRunning = await next.Client.WaitUntilFinishedAsync(running.Id);
        Assert.Equal("succeeded", finishedQueued.GetProperty("status").GetString());
        Assert.Equal("succeeded", finishedRunning.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await DownloadAsync(finishedRunning.GetProperty("url").GetString()!)).StatusCode);
        var store = next.Services.GetRequiredService<ExportStore>();
        Assert.Equal(ExportBlobs.NameOf(running, 2), (await store.GetAsync(running.Id))!.Blob);
        Assert.Equal(ExportBlobs.NameOf(queued, 1), (await store.GetAsync(queued.Id))!.Blob);
    }

    [Fact]
    public async Task Pruning_deletes_jobs_and_csvs_older_than_the_days_exports_are_kept_and_keeps_the_rest()
    {
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, time: _time);
        var old = (await app.Client.ExportAndWaitAsync(new JsonObject { ["kind"] = "breakdown" })).GetProperty("id").GetString()!;
        var other = await app.Client.StartExportAsync(new JsonObject { ["kind"] = "breakdown", ["by"] = "model" });
        await app.Client.WaitUntilFinishedAsync(other);
        _time.Advance(TimeSpan.FromDays(31));
        var recent = (await app.Client.ExportAndWaitAsync(new JsonObject { ["kind"] = "breakdown" })).GetProperty("id").GetString()!;
        var store = app.Services.GetRequiredService<ExportStore>();
        var recentBlob = (await store.GetAsync(recent))!.Blob!;

        var pruned = await store.PruneAsync(_time.GetUtcNow());

        Assert.Equal(2, pruned);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsAsync($"/api/exports/{old}", TestApp.FinanceKey)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsAsync($"/api/exports/{other}", TestApp.FinanceKey)).StatusCode);
        var container = await app.Storage.ContainerAsync(ExportBlobs.Container);
        var left = new List<string>();
        await foreach (var blob in container.GetBlobsAsync()) left.Add(blob.Name);
        Assert.Equal([recentBlob], left);
        Assert.Equal(0, await store.PruneAsync(_time.GetUtcNow()));
    }
}
