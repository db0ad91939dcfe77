using System.Diagnostics;
using Metrics.Rollups;
using Metrics.Storage;
using Metrics.Rollups.Retention;
using Metrics.Storage.Locks;
using Metrics.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Metrics.Functions.Tests.Nightly;

/// <summary>
/// The nightly run may be killed anywhere (host restart, timeout). Cancelling it at many points and then
/// running it to completion must leave exactly what one clean run over the same data leaves: raw rows,
/// rollup rows with every property and sketch byte, markers, and query answers. A clean app over an
/// identical data set (its own table prefix) is the reference.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CrashSafetyTests(SharedAzurite azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task Runs_cancelled_at_ever_later_points_and_then_completed_end_exactly_like_one_clean_run()
    {
        var history = new TrafficHistory();
        var (cleanTime, time) = (TrafficHistory.Clock(), TrafficHistory.Clock());
        await using var clean = await TestApp.StartAsync(azurite.ConnectionString, time: cleanTime);
        await using var crashed = await TestApp.StartAsync(azurite.ConnectionString, time: time);
        await history.LoadAsync(clean, cleanTime);
        await history.LoadAsync(crashed, time);

        var watch = Stopwatch.StartNew();
        var reference = await clean.RunNightlyAsync();
        output.WriteLine($"clean run: {watch.ElapsedMilliseconds} ms, {reference}");
        await clean.CompactAsync();

        // Each attempt is cancelled later than the one before (0, 1, 1, 2, 3 … ms, growing by 30%), so attempts die in the
        // recompute first. Once one dies having marked or deleted something, the delays start small again, so the later
        // steps (marking, deleting raw rows, clearing markers, the usage kind, pruning, counting) are each cut short too.
        var delay = 0.0;
        var lastStatus = "";
        var progress = await ProgressAsync(crashed);
        for (var attempt = 0; attempt < 100 && lastStatus != NightlySummary.Completed; attempt++)
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(delay));
            var diedIn = "";
            try
            {
                lastStatus = (await crashed.RunNightlyAsync(cancel.Token)).Status;
            }
            catch (OperationCanceledException e)
            {
                diedIn = InnermostStep(e);
                lastStatus = "cancelled in " + diedIn;
            }
            output.WriteLine($"cancel after {delay:0} ms: {lastStatus}");
            if (await crashed.NightlyLockIsHeldAsync())
            {
                // Only a run cancelled inside the acquire call itself may leave it (see the test below); past that, disposal releases it.
                Assert.True(diedIn == nameof(RunLock.TryAcquireAsync), $"the lease stayed held after a run cancelled in {diedIn}");
                await crashed.BreakNightlyLockAsync();
            }
            // The every-minute compaction keeps running between the nightly attempts.
            await crashed.CompactAsync();
            var now = await ProgressAsync(crashed);
            delay = now != progress ? 1 : Math.Max(1, delay * 1.3);
            progress = now;
        }
        if (lastStatus != NightlySummary.Completed) Assert.Equal(NightlySummary.Completed, (await crashed.RunNightlyAsync()).Status);
        await crashed.CompactAsync();

        var expected = await clean.DataAsync(ignore: StoredState.PerAppProperties);
        var actual = await crashed.DataAsync(ignore: StoredState.PerAppProperties);
        foreach (var (table, rows) in expected) Assert.Equal(rows, actual[table]);
        Assert.Equal(await clean.AnswersAsync(TrafficHistory.From, TrafficHistory.To), await crashed.AnswersAsync(TrafficHistory.From, TrafficHistory.To));
        Assert.Equal(await clean.AnswersAsync(TrafficHistory.From, TrafficHistory.RawCutoff), await crashed.AnswersAsync(TrafficHistory.From, TrafficHistory.RawCutoff));
    }

    [Fact]
    public async Task Queries_answer_the_same_after_a_run_killed_just_after_it_deleted_raw_rows()
    {
        var time = TrafficHistory.Clock();
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, time: time);
        await new TrafficHistory().LoadAsync(app, time);
        var answers = await app.AnswersAsync(TrafficHistory.From, TrafficHistory.RawCutoff);
        // Raw rows live in one table per day: the run has deleted them when no day table before the raw cutoff's day is left.
        var expiredDay = TableNames.RequestEvents + "20250401";

        using var kill = new CancellationTokenSource();
        var run = app.RunNightlyAsync(kill.Token);
        // Kill the run as soon as the raw rows of finalised request hours are gone, as a host restart would.
        while (!run.IsCompleted)
        {
            var left = (await app.Storage.TableNamesAsync(TableNames.RequestEvents)).Any(name => string.CompareOrdinal(name, expiredDay) < 0
                && name != TableNames.RequestEvents);
            if (!left) break;
        }
        await kill.CancelAsync();
        try
        {
            await run;
        }
        catch (OperationCanceledException)
        {
            // Killed: what matters is what it left behind.
        }

        Assert.Equal(answers, await app.AnswersAsync(TrafficHistory.From, TrafficHistory.RawCutoff));
    }

    [Fact]
    public async Task Cancelling_a_run_while_it_acquires_the_lease_never_leaves_the_lease_held()
    {
        await using var app = await TestApp.StartAsync(azurite.ConnectionString);
        var runLock = app.Services.GetRequiredService<RunLock>();
        await (await runLock.TryAcquireAsync(NightlyRun.LockName))!.DisposeAsync();

        var leftHeld = new List<int>();
        for (var attempt = 0; attempt < 80; attempt++)
        {
            var delay = attempt / 2;
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(delay));
            try
            {
                await using var held = await runLock.TryAcquireAsync(NightlyRun.LockName, cancel.Token);
            }
            catch (OperationCanceledException)
            {
                // A run stopped while starting.
            }
            if (!await app.NightlyLockIsHeldAsync()) continue;
            leftHeld.Add(delay);
            await app.BreakNightlyLockAsync();
        }

        Assert.True(leftHeld.Count == 0, $"the lease stayed held after cancelling at {string.Join(", ", leftHeld)} ms");
    }

    /// <summary>Rows the nightly run marks or deletes as it goes: a change means an attempt got somewhere.</summary>
    private static async Task<(int, int, int, int)> ProgressAsync(TestApp app) =>
        ((await app.Storage.AllAsync(TableNames.FinalisedHours)).Count, (await app.Storage.AllAsync(TableNames.RequestEvents)).Count,
            (await app.Storage.AllAsync(TableNames.UsageEvents)).Count, (await app.Storage.AllAsync(TableNames.DirtyHours)).Count);

    /// <summary>The innermost step of the nightly run an exception came out of, by its method name.</summary>
    private static string InnermostStep(Exception e)
    {
        foreach (var line in (e.StackTrace ?? "").Split('\n'))
            foreach (var type in new[] { "RunLock.", "NightlyAggregation.", "RollupCompactor.", "PartitionSweeper.", "FinalisedHours.", "DirtyHours." })
            {
                var at = line.IndexOf(type, StringComparison.Ordinal);
                if (at < 0) continue;
                var name = line[(at + type.Length)..];
                return name[..name.IndexOfAny(['(', '>', ' '])].TrimStart('<');
            }
        return "?";
    }
}
