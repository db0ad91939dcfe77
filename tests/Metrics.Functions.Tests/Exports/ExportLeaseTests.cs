using System.Text.Json.Nodes;
using Metrics.Core.Exports;
using Metrics.Storage;
using Metrics.Storage.Exports;
using Metrics.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using static Metrics.Functions.Tests.Exports.ExportCalls;
using Options = Microsoft.Extensions.Options.Options;

namespace Metrics.Functions.Tests.Exports;

/// <summary>
/// Issue 26 §5: each export job is owned by one instance under a lease; a live owner is never taken over, a job whose
/// owner died is resumed once, by one instance, and every job ends with one CSV.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ExportLeaseTests(SharedAzurite azurite)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(8);
    private readonly SharedClock _time = new(WholeSeconds(DateTimeOffset.UtcNow));

    private ExportStore StoreOf(StorageAccount storage) =>
        new(storage, new ExportBlobs(storage), Options.Create(new ExportOptions { Lease = Lease }), _time);

    private ExportJob NewJob(string by = "org")
    {
        var now = _time.GetUtcNow();
        return ExportJob.Queued(new ExportQuery(ExportKinds.Breakdown, by, null, now.AddHours(-24), now), now, "finance");
    }

    [Fact]
    public async Task A_job_is_claimed_by_one_of_several_instances_and_taken_from_its_owner_only_once_its_lease_ran_out()
    {
        var storage = azurite.NewStorage();
        var instances = Enumerable.Range(0, 4).Select(_ => StoreOf(storage)).ToList();
        var job = NewJob();
        await instances[0].CreateAsync(job);

        var claims = await Task.WhenAll(instances.Select((store, i) => store.ClaimAsync(job.Id, $"instance-{i}")));
        var owner = Assert.Single(claims, c => c is not null)!;
        Assert.Equal(1, owner.Job.Attempts);

        // Alive and renewing: nobody takes it, however often they look.
        _time.Advance(Lease / 2);
        owner = await instances[0].RenewAsync(owner) ?? throw new Xunit.Sdk.XunitException("the owner lost a job nobody took");
        _time.Advance(Lease / 2);
        Assert.All(await Task.WhenAll(instances.Select(store => store.ClaimAsync(job.Id, "another"))), Assert.Null);
        Assert.Empty(await instances[1].ClaimableAsync());

        // It stops renewing (it died): once the lease has run out, one of those who look resumes the job.
        _time.Advance(Lease);
        Assert.Equal([job.Id], (await instances[1].ClaimableAsync()).Select(j => j.Id));
        var resumed = Assert.Single(await Task.WhenAll(instances.Select((store, i) => store.ClaimAsync(job.Id, $"resumer-{i}"))), c => c is not null)!;
        Assert.Equal(2, resumed.Job.Attempts);

        // The old owner, should it wake, can neither renew nor record: the job is the resumer's.
        Assert.Null(await instances[0].RenewAsync(owner));
        Assert.False(await instances[0].FinishAsync(owner, owner.Job with { Status = ExportStatus.Succeeded }));
        Assert.True(await instances[2].FinishAsync(resumed, resumed.Job with { Status = ExportStatus.Succeeded, CompletedAt = _time.GetUtcNow() }));
        var finished = (await instances[3].GetAsync(job.Id))!;
        Assert.Equal((ExportStatus.Succeeded, 2), (finished.Status, finished.Attempts));
    }

    [Fact]
    public async Task Two_instances_produce_each_export_once_and_resume_a_dead_instances_export_once_its_lease_ran_out()
    {
        var prefix = SharedAzurite.UniquePrefix();
        var settings = new Dictionary<string, string?> { ["Storage:Prefix"] = prefix, ["Exports:Lease"] = Lease.ToString() };
        var storage = new StorageAccount(new StorageOptions { ConnectionString = azurite.ConnectionString, Prefix = prefix });
        var dead = StoreOf(storage);
        // An instance claimed this job, wrote part of its CSV and died: its lease still runs when the others start.
        var orphan = NewJob("model");
        await dead.CreateAsync(orphan);
        Assert.NotNull(await dead.ClaimAsync(orphan.Id, "dead-instance"));
        await using (var partial = await new ExportBlobs(storage).OpenWriteAsync(ExportBlobs.NameOf(orphan, 1)))
            await partial.WriteAsync("org,requests\n"u8.ToArray());
        var queued = NewJob();
        await dead.CreateAsync(queued);

        await using var first = await TestApp.StartAsync(azurite.ConnectionString, settings, _time);
        await using var second = await TestApp.StartAsync(azurite.ConnectionString, settings, _time);
        var asked = new[]
        {
            await first.Client.StartExportAsync(new JsonObject { ["kind"] = "breakdown", ["by"] = "org" }),
            await second.Client.StartExportAsync(new JsonObject { ["kind"] = "breakdown", ["by"] = "service" }),
            await first.Client.StartExportAsync(new JsonObject { ["kind"] = "breakdown", ["by"] = "country" }),
        };
        foreach (var id in asked.Append(queued.Id))
            Assert.Equal("succeeded", (await second.Client.WaitUntilFinishedAsync(id)).GetProperty("status").GetString());

        // Both instances have looked for claimable jobs several times by now (every quarter lease): the orphan's owner may be alive.
        await Task.Delay(Lease / 2);
        Assert.Equal("running", (await first.Client.GetExportAsync(orphan.Id)).GetProperty("status").GetString());

        _time.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.Equal("succeeded", (await first.Client.WaitUntilFinishedAsync(orphan.Id)).GetProperty("status").GetString());

        var store = first.Services.GetRequiredService<ExportStore>();
        var blobs = new List<string>();
        var container = await storage.ContainerAsync(ExportBlobs.Container);
        await foreach (var blob in container.GetBlobsAsync()) blobs.Add(blob.Name);
        var jobs = new List<ExportJob>();
        foreach (var id in asked.Append(queued.Id).Append(orphan.Id)) jobs.Add((await store.GetAsync(id))!);
        // One attempt each, the orphan's resumed once; one CSV each, the one its job points at (the dead attempt's is gone).
        Assert.Equal([1, 1, 1, 1, 2], jobs.Select(j => j.Attempts));
        Assert.Equal(jobs.Select(j => j.Blob!).Order(StringComparer.Ordinal), blobs.Order(StringComparer.Ordinal));
        Assert.Equal(ExportBlobs.NameOf(orphan, 2), jobs[^1].Blob);
    }
}
