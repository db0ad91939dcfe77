using System.Net;
using Metrics.Core.Ingestion;
using Metrics.Rollups;
using Metrics.Rollups.Retention;
using Metrics.Storage;
using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Nightly;

/// <summary>
/// The nightly run estimates stored GB and rows and judges them against <c>Alerts:StorageBudgetGb</c> and the legacy
/// <c>Alerts:RowBudget</c>. The budget is read at start-up, so each budget is a fresh app on the same storage (same table
/// prefix), as after a configuration change.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SizeAlertTests(SharedAzurite azurite)
{
    private static readonly DateTimeOffset Now = new(2025, 6, 10, 2, 0, 30, TimeSpan.Zero);
    private static readonly DateTimeOffset OneDayAgo = new(2025, 6, 9, 2, 0, 0, TimeSpan.Zero);

    private readonly string _prefix = SharedAzurite.UniquePrefix();

    private Task<TestApp> StartAsync(SharedClock time, long? budget = null, bool earlyRollUp = false, double? budgetGb = null)
    {
        var settings = new Dictionary<string, string?> { ["Storage:Prefix"] = _prefix };
        if (budget is not null) settings["Alerts:RowBudget"] = budget.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (budgetGb is not null) settings["Alerts:StorageBudgetGb"] = budgetGb.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        if (earlyRollUp) settings["Alerts:EarlyRollUp"] = "true";
        return TestApp.StartAsync(azurite.ConnectionString, settings, time);
    }

    /// <summary>Three days of traffic, compacted, and one quiet nightly run that reports the row count.</summary>
    private async Task<(SharedClock Time, TimerAnswer FirstRun)> LoadAsync()
    {
        var time = new SharedClock(Now);
        await using var app = await StartAsync(time);
        var requests = Traffic.Requests("r", Traffic.Hours(Now.AddDays(-3), Now.AddHours(-1), every: 3), 8, seed: 21);
        var usage = Traffic.Usage("u", Traffic.Hours(Now.AddDays(-3), Now.AddHours(-1), every: 6), 2, seed: 22);
        await app.SendAsync(requests);
        await app.SendAsync(usage);
        await app.CompactAsync();
        var first = await app.RunTimerAsync();
        Assert.Equal("completed", first.RunStatus);
        Assert.Null(first.Text("Alert"));
        Assert.Equal(AlertOptions.DefaultStorageBudgetGb, first.Summary.GetProperty("StorageBudgetGb").GetDouble());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, first.Summary.GetProperty("RowBudget").ValueKind);
        // Every event is a raw row here (all within raw retention), and the estimate counts them from the rollups.
        Assert.Equal(requests.Count + usage.Count, first.Number("RawRows"));
        Assert.True(first.Number("RollupRows") > 0 && first.Summary.GetProperty("StoredGb").GetDouble() > 0, first.ToString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, first.Summary.GetProperty("GrowthSinceLastRun").ValueKind);
        Assert.Contains(first.LogLines, line => line.Contains("(first run)", StringComparison.Ordinal));
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
        await using (var app = await StartAsync(time, budget: first.Number("TotalRows") + more.Count, earlyRollUp: true))
        {
            await app.SendAsync(more);
            before = await app.AnswersAsync(Now.AddDays(-3), Now.AddHours(-1));

            run = await app.RunTimerAsync();

            after = await app.AnswersAsync(Now.AddDays(-3), Now.AddHours(-1));
            // Whole days before the early cutoff's day go with their tables; the hours of its day before it are final and wait.
            var firstKept = HourBucket.Key(Metrics.Core.Rollups.RollupCalendar.DayOf(OneDayAgo));
            Assert.All(await app.PartitionsAsync(TableNames.RequestEvents),
                pk => Assert.True(string.CompareOrdinal(pk, firstKept) > 0, $"{pk} is older than the day before"));
            Assert.All(await app.PartitionsAsync(TableNames.UsageEvents),
                pk => Assert.True(string.CompareOrdinal(pk, firstKept) > 0, $"{pk} is older than the day before"));
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

    [Fact]
    public async Task Storage_over_its_GB_budget_raises_an_alert_saying_what_it_costs_a_month_and_what_to_do_and_rolls_nothing_up_by_default()
    {
        var (time, first) = await LoadAsync();
        var gb = first.Summary.GetProperty("StoredGb").GetDouble();
        await using var app = await StartAsync(time, budgetGb: gb / 2);
        var rawBefore = await app.RowsAsync(TableNames.RequestEvents);

        var run = await app.RunTimerAsync();

        Assert.Equal("alert", run.Text("Alert"));
        Assert.False(run.Summary.GetProperty("RolledUpEarly").GetBoolean());
        Assert.Equal(gb * AlertOptions.DefaultPricePerGbMonth, run.Summary.GetProperty("MonthlyCost").GetDouble(), 4);
        var alert = Assert.Single(run.LogLines, line => line.StartsWith("ALERT: ", StringComparison.Ordinal));
        Assert.Contains(" a month", alert, StringComparison.Ordinal);
        Assert.Contains("Retention:RollupDays", alert, StringComparison.Ordinal);
        Assert.Contains("Alerts:StorageBudgetGb", alert, StringComparison.Ordinal);
        Assert.Equal(rawBefore, await app.RowsAsync(TableNames.RequestEvents));
    }
}
