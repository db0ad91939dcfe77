using System.Net;
using Metrics.Core.Ingestion;
using Metrics.Rollups;
using Metrics.Storage;
using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Nightly;

/// <summary>
/// The nightly run counts rows against <c>Alerts:RowBudget</c>. The budget is read at start-up, so each
/// budget is a fresh app on the same storage (same table prefix), as after a configuration change.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SizeAlertTests(SharedAzurite azurite)
{
    private static readonly DateTimeOffset Now = new(2025, 6, 10, 2, 0, 30, TimeSpan.Zero);
    private static readonly DateTimeOffset OneDayAgo = new(2025, 6, 9, 2, 0, 0, TimeSpan.Zero);

    private readonly string _prefix = SharedAzurite.UniquePrefix();

    private Task<TestApp> StartAsync(SharedClock time, long? budget = null)
    {
        var settings = new Dictionary<string, string?> { ["Storage:Prefix"] = _prefix };
        if (budget is not null) settings["Alerts:RowBudget"] = budget.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TestApp.StartAsync(azurite.ConnectionString, settings, time);
    }

    /// <summary>Three days of traffic, compacted, and one quiet nightly run that reports the row count.</summary>
    private async Task<(SharedClock Time, TimerAnswer FirstRun)> LoadAsync()
    {
        var time = new SharedClock(Now);
        await using var app = await StartAsync(time);
        await app.SendAsync(Traffic.Requests("r", Traffic.Hours(Now.AddDays(-3), Now.AddHours(-1), every: 3), 8, seed: 21));
        await app.SendAsync(Traffic.Usage("u", Traffic.Hours(Now.AddDays(-3), Now.AddHours(-1), every: 6), 2, seed: 22));
        await app.CompactAsync();
        var first = await app.RunTimerAsync();
        Assert.Equal("completed", first.RunStatus);
        Assert.Null(first.Text("Alert"));
        Assert.Equal(1_000_000, first.Number("RowBudget"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, first.Summary.GetProperty("GrowthSinceLastRun").ValueKind);
        Assert.Contains(first.LogLines, line => line.EndsWith("(first run)", StringComparison.Ordinal));
        Assert.DoesNotContain(first.LogLines, line => line.Contains("WARNING", StringComparison.Ordinal) || line.Contains("ALERT", StringComparison.Ordinal));
        return (time, first);
    }

    [Fact]
    public async Task Rows_at_eighty_percent_or_more_of_the_budget_raise_a_warning_and_roll_nothing_up_early()
    {
        var (time, first) = await LoadAsync();
        var total = first.Number("TotalRows");
        await using var app = await StartAsync(time, budget: total * 5 / 4);
        var rawBefore = await app.RowsAsync(TableNames.RequestEvents, versions: true);

        var run = await app.RunTimerAsync();

        Assert.Equal(HttpStatusCode.OK, run.StatusCode);
        Assert.Equal("warning", run.Text("Alert"));
        Assert.False(run.Summary.GetProperty("RolledUpEarly").GetBoolean());
        Assert.Equal(total, run.Number("TotalRows"));
        Assert.Equal(0, run.Number("GrowthSinceLastRun"));
        Assert.Contains(run.LogLines, line => line.StartsWith("WARNING: ", StringComparison.Ordinal));
        Assert.DoesNotContain(run.LogLines, line => line.Contains("ALERT", StringComparison.Ordinal));
        Assert.Equal(rawBefore, await app.RowsAsync(TableNames.RequestEvents, versions: true));
    }

    [Fact]
    public async Task Rows_just_under_eighty_percent_of_the_budget_raise_nothing()
    {
        var (time, first) = await LoadAsync();
        await using var app = await StartAsync(time, budget: first.Number("TotalRows") * 5 / 4 + 2);

        var run = await app.RunTimerAsync();

        Assert.Equal("completed", run.RunStatus);
        Assert.Null(run.Text("Alert"));
        Assert.DoesNotContain(run.LogLines, line => line.Contains("WARNING", StringComparison.Ordinal) || line.Contains("ALERT", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rows_at_the_budget_raise_an_alert_and_roll_up_raw_data_older_than_a_day_which_stays_queryable()
    {
        var (time, first) = await LoadAsync();
        time.Advance(TimeSpan.FromMinutes(5));
        var more = Traffic.Requests("more", Traffic.Hours(Now.AddHours(-5), Now.AddHours(-1)), 3, seed: 23);
        TimerAnswer run;
        List<string> before, after;
        // New raw rows, not compacted yet: exactly at the budget.
        await using (var app = await StartAsync(time, budget: first.Number("TotalRows") + more.Count))
        {
            await app.SendAsync(more);
            before = await app.AnswersAsync(Now.AddDays(-3), Now.AddHours(-1));

            run = await app.RunTimerAsync();

            after = await app.AnswersAsync(Now.AddDays(-3), Now.AddHours(-1));
            Assert.All(await app.PartitionsAsync(TableNames.RequestEvents),
                pk => Assert.True(string.CompareOrdinal(pk, HourBucket.Key(OneDayAgo)) > 0, $"{pk} is older than a day"));
            Assert.All(await app.PartitionsAsync(TableNames.UsageEvents),
                pk => Assert.True(string.CompareOrdinal(pk, HourBucket.Key(OneDayAgo)) > 0, $"{pk} is older than a day"));
            Assert.NotEmpty(await app.Storage.AllAsync(TableNames.RequestEvents));
        }

        Assert.Equal(HttpStatusCode.OK, run.StatusCode);
        Assert.Equal("completed", run.RunStatus);
        Assert.Equal("alert", run.Text("Alert"));
        Assert.True(run.Summary.GetProperty("RolledUpEarly").GetBoolean());
        Assert.True(run.Number("HoursFinalized") > 0 && run.Number("RawRowsDeleted") > 0, run.ToString());
        Assert.Contains(run.LogLines, line => line.StartsWith("ALERT: ", StringComparison.Ordinal));
        Assert.Equal(run.Number("TotalRows") - first.Number("TotalRows"), run.Number("GrowthSinceLastRun"));
        Assert.Equal(before, after);
    }
}
