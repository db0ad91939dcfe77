using System.Net;
using System.Text.Json;
using Metrics.LocalHost.Settings;
using Metrics.Rollups;
using Metrics.Storage;
using Metrics.Rollups.Tables;
using Metrics.Rollups.Compaction;
using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Nightly;

/// <summary>
/// How the timers run: the host invokes them over its protocol with their <c>TimerInfo</c>, on their schedules or when an
/// operator asks (<c>POST /admin/functions/{name}</c>); a run's summary is its return value, its log lines come with it.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TimerInvocationTests(SharedAzurite azurite)
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task NightlyAggregation_run_by_hand_answers_200_with_its_summary_as_return_value_and_its_log_lines()
    {
        var time = TrafficHistory.Clock();
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, time: time);
        await new TrafficHistory().LoadAsync(app, time);

        var answer = await app.RunTimerAsync(TimerCalls.Nightly);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.True(answer.Body.GetProperty("succeeded").GetBoolean(), answer.ToString());
        Assert.Equal(TimerCalls.Nightly, answer.Body.GetProperty("function").GetString());
        Assert.Contains(answer.LogLines, line => line.StartsWith("finalised ", StringComparison.Ordinal));
        Assert.Equal("completed", answer.RunStatus);
        Assert.True(answer.Number("HoursFinalized") > 0, answer.ToString());
        foreach (var field in new[] { "RawRowsRead", "RollupRowsWritten", "RawRowsDeleted", "RollupRowsDeleted", "RawRows", "RollupRows", "TotalRows",
                     "RawTablesDeleted", "StoredGb", "StorageBudgetGb", "MonthlyCost" })
            Assert.Equal(JsonValueKind.Number, answer.Summary.GetProperty(field).ValueKind);
        Assert.Equal(JsonValueKind.Number, answer.Summary.GetProperty("DurationSeconds").ValueKind);
    }

    [Fact]
    public async Task RollupCompaction_run_by_hand_compacts_dirty_hours_and_says_so_in_one_line()
    {
        var at = new DateTimeOffset(2025, 7, 1, 12, 0, 0, TimeSpan.Zero);
        var time = new SharedClock(at);
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, time: time);
        await app.SendAsync(Traffic.Requests("r", Traffic.Hours(at.AddHours(-3), at), 5));

        var answer = await app.RunTimerAsync(TimerCalls.Compaction);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.StartsWith("compacted 3 hours", Assert.Single(answer.LogLines), StringComparison.Ordinal);
        Assert.Equal(3, answer.Number("HoursCompacted"));
        Assert.Equal(0, answer.Number("RawRowsRead"));
        Assert.Equal(await FoldedAsync(app), answer.Number("PartialsFolded"));
        Assert.Empty(await PartialsAsync(app));
        // The day is not over: its hours stay marked (folded), so queries read them and not a day row still to merge.
        Assert.All(await app.Storage.AllAsync(TableNames.DirtyHours), mark => Assert.True(mark.GetBoolean("Folded")));
    }

    [Fact]
    public async Task A_run_while_storage_is_unreachable_answers_500_with_the_reason_so_the_failure_is_recorded()
    {
        await using var app = await TestApp.StartAsync(UnreachableStorage.ConnectionString, time: new SharedClock(new DateTimeOffset(2025, 7, 1, 2, 0, 0, TimeSpan.Zero)));

        var answer = await app.RunTimerAsync(TimerCalls.Nightly);

        Assert.Equal(HttpStatusCode.InternalServerError, answer.StatusCode);
        Assert.False(answer.Body.GetProperty("succeeded").GetBoolean());
        Assert.False(string.IsNullOrEmpty(answer.Body.GetProperty("error").GetString()), answer.ToString());
        Assert.Equal(JsonValueKind.Null, answer.Summary.ValueKind);
        // One line a person can act on: which function, what failed and why, and whether it will be tried again.
        var line = Assert.Single(answer.LogLines, l => l.StartsWith("TIMER FAILED: NightlyAggregation failed after ", StringComparison.Ordinal));
        Assert.Matches("with [A-Za-z]+Exception: .+; (the platform retries it|it is not retried)", line);
        Assert.DoesNotContain('\n', line);
    }

    /// <summary>
    /// The host's scheduler follows the clock it is given: moved past its next 10-second mark, RollupCompaction runs by
    /// itself, and the partials are folded without anyone asking.
    /// </summary>
    [Fact]
    public async Task RollupCompaction_runs_on_its_schedule_when_not_disabled()
    {
        var at = new DateTimeOffset(2025, 7, 1, 12, 0, 30, TimeSpan.Zero);
        var time = new SharedClock(at);
        await using var app = await TestApp.StartAsync(azurite.ConnectionString,
            new Dictionary<string, string?> { [AppSettings.DisabledSetting(TimerCalls.Compaction)] = "false" }, time);
        await app.SendAsync(Traffic.Requests("r", Traffic.Hours(at.AddHours(-2), at), 4));
        Assert.NotEmpty(await app.Storage.AllAsync(TableNames.DirtyHours));

        time.Advance(TimeSpan.FromSeconds(31));

        var deadline = DateTime.UtcNow + MaxWait;
        while ((await PartialsAsync(app)).Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"partials still there {MaxWait.TotalSeconds} s after the schedule was due");
            await Task.Delay(100);
        }
    }

    private static async Task<List<Azure.Data.Tables.TableEntity>> PartialsAsync(TestApp app) =>
        (await app.RollupRowsAsync()).Where(row => PartialRows.Is(row) && !PartialRows.IsCoverage(row)).ToList();

    /// <summary>The cells a fold of everything sent must have folded: one per key of each batch and hour, here one batch.</summary>
    private static async Task<long> FoldedAsync(TestApp app) =>
        (await app.RollupRowsAsync()).Count(row => !PartialRows.Is(row) && row.PartitionKey.Contains("-h", StringComparison.Ordinal));
}
