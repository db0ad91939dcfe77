using System.Net;
using Metrics.Rollups;
using Metrics.Storage;
using Metrics.Rollups.Retention;
using Metrics.Storage.Locks;
using Metrics.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Functions.Tests.Nightly;

/// <summary>A second run finds nothing to do; two runs at once never both do the work.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class NightlyIdempotenceTests(SharedAzurite azurite)
{
    [Fact]
    public async Task Second_run_finalises_and_deletes_nothing_and_leaves_every_row_untouched()
    {
        var time = TrafficHistory.Clock();
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, time: time);
        await new TrafficHistory().LoadAsync(app, time);

        var first = await app.RunTimerAsync();
        var afterFirst = await app.DataAsync(versions: true);
        time.Advance(TimeSpan.FromMinutes(30));
        var second = await app.RunTimerAsync();

        Assert.True(first.Number("HoursFinalized") > 0 && first.Number("RawRowsDeleted") > 0, first.ToString());
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("completed", second.RunStatus);
        foreach (var nothing in new[] { "HoursFinalized", "RawRowsRead", "RollupRowsWritten", "RawRowsDeleted", "RollupRowsDeleted", "GrowthSinceLastRun" })
            Assert.True(second.Number(nothing) == 0, $"{nothing}: {second}");
        Assert.Equal(first.Number("TotalRows"), second.Number("TotalRows"));
        Assert.Contains(second.LogLines, line => line.StartsWith("finalised 0 hours, deleted 0 raw rows (0 day tables), 0 rollup rows", StringComparison.Ordinal));
        var afterSecond = await app.DataAsync(versions: true);
        foreach (var (table, rows) in afterFirst) Assert.Equal(rows, afterSecond[table]);
    }

    [Fact]
    public async Task Two_runs_fired_at_once_both_answer_200_and_exactly_one_does_the_work()
    {
        var time = TrafficHistory.Clock();
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, time: time);
        await new TrafficHistory().LoadAsync(app, time);

        var answers = await Task.WhenAll(app.RunTimerAsync(), app.RunTimerAsync());

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.StatusCode));
        Assert.Equal(["already running", "completed"], answers.Select(a => a.RunStatus).Order(StringComparer.Ordinal));
        var skipped = answers.Single(a => a.RunStatus == "already running");
        Assert.Equal(0, skipped.Number("HoursFinalized"));
        Assert.Equal(0, skipped.Number("RawRowsDeleted"));
        Assert.Contains(skipped.LogLines, line => line.Contains("holds the lock", StringComparison.Ordinal));
        var done = answers.Single(a => a.RunStatus == "completed");
        Assert.True(done.Number("HoursFinalized") > 0, done.ToString());
        Assert.DoesNotContain(await app.Storage.AllAsync(TableNames.RequestEvents), row => string.CompareOrdinal(row.PartitionKey, "2025040100") < 0);
        Assert.False(await app.NightlyLockIsHeldAsync(), "both runs are over: the lease must be released");
    }

    [Fact]
    public async Task Two_service_calls_at_once_leave_exactly_one_completed_and_the_same_state_as_one_run()
    {
        var (time, singleTime) = (TrafficHistory.Clock(), TrafficHistory.Clock());
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, time: time);
        await using var single = await TestApp.StartAsync(azurite.ConnectionString, time: singleTime);
        var history = new TrafficHistory();
        await history.LoadAsync(app, time);
        await history.LoadAsync(single, singleTime);

        using var start = new SemaphoreSlim(0);
        async Task<NightlySummary> RunAfterStart()
        {
            await start.WaitAsync();
            return await app.RunNightlyAsync();
        }
        var runs = new[] { Task.Run(RunAfterStart), Task.Run(RunAfterStart) };
        start.Release(2);
        var summaries = await Task.WhenAll(runs);
        await single.RunNightlyAsync();

        Assert.Equal([NightlySummary.AlreadyRunning, NightlySummary.Completed], summaries.Select(s => s.Status).Order(StringComparer.Ordinal));
        var overlapped = await app.DataAsync(ignore: StoredState.PerAppProperties);
        var alone = await single.DataAsync(ignore: StoredState.PerAppProperties);
        foreach (var (table, rows) in alone) Assert.Equal(rows, overlapped[table]);
    }

    [Fact]
    public async Task Run_while_another_instance_holds_the_lease_changes_nothing_and_runs_once_it_is_released()
    {
        var time = TrafficHistory.Clock();
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, time: time);
        await new TrafficHistory().LoadAsync(app, time);
        var before = await app.DataAsync(versions: true);

        var other = await app.Services.GetRequiredService<RunLock>().TryAcquireAsync(NightlyRun.LockName);
        Assert.NotNull(other);
        var blocked = await app.RunTimerAsync();
        var during = await app.DataAsync(versions: true);
        await other.DisposeAsync();
        var after = await app.RunTimerAsync();

        Assert.Equal(HttpStatusCode.OK, blocked.StatusCode);
        Assert.Equal("already running", blocked.RunStatus);
        foreach (var (table, rows) in before) Assert.Equal(rows, during[table]);
        Assert.Equal("completed", after.RunStatus);
        Assert.True(after.Number("HoursFinalized") > 0, after.ToString());
    }
}
