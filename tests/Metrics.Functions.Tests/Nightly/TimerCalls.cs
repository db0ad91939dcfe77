using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Metrics.Rollups.Retention;
using Metrics.Storage.Locks;
using Metrics.Rollups.Tables;
using Metrics.Rollups.Compaction;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Functions.Tests.Nightly;

/// <summary>Runs the timer functions as an operator does, and their services as the functions call them.</summary>
internal static class TimerCalls
{
    public const string Nightly = "NightlyAggregation";
    public const string Compaction = "RollupCompaction";

    /// <summary><c>POST /admin/functions/{name}</c> with the admin key, as an operator runs a timer now.</summary>
    public static async Task<TimerAnswer> RunTimerAsync(this TestApp app, string name = Nightly)
    {
        // Compaction folds what came before its own time (see TestApp.Tick); the nightly run's boundaries are the tests' to set.
        if (name == Compaction) app.Tick();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/admin/functions/{name}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestApp.AdminKey);
        return await AnswerAsync(await app.Client.SendAsync(request));
    }

    /// <summary>The nightly service itself, as the timer function calls it.</summary>
    public static Task<NightlySummary> RunNightlyAsync(this TestApp app, CancellationToken cancellationToken = default) =>
        app.Services.GetRequiredService<NightlyRun>().RunAsync(cancellationToken);

    /// <summary>One RollupCompaction run, as its timer does it, a tick after the last request (see <see cref="TestApp.Tick"/>).</summary>
    public static Task<CompactionSummary> CompactAsync(this TestApp app)
    {
        app.Tick();
        return app.Services.GetRequiredService<RollupCompaction>().RunAsync();
    }

    /// <summary>Whether the nightly run's lease blob is leased right now.</summary>
    public static async Task<bool> NightlyLockIsHeldAsync(this TestApp app)
    {
        var blob = (await app.Storage.ContainerAsync(RunLock.Container)).GetBlobClient(NightlyRun.LockName);
        try
        {
            return (await blob.GetPropertiesAsync()).Value.LeaseState == LeaseState.Leased;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    /// <summary>Breaks the nightly lease at once: what its 30-second expiry would do, without waiting for it.</summary>
    public static async Task BreakNightlyLockAsync(this TestApp app)
    {
        var blob = (await app.Storage.ContainerAsync(RunLock.Container)).GetBlobClient(NightlyRun.LockName);
        await blob.GetBlobLeaseClient().BreakAsync(TimeSpan.Zero);
    }

    private static async Task<TimerAnswer> AnswerAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            return new TimerAnswer(response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
        }
    }
}
