using System.Text.Json;
using Metrics.Rollups;
using Metrics.Storage;
using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Nightly;

/// <summary>The nightly run moves data from raw rows into final rollups; no query answer may change.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class NightlyQueryStabilityTests(SharedAzurite azurite)
{
    [Fact]
    public async Task Query_answers_are_the_same_before_and_after_the_nightly_run_even_for_hours_whose_raw_rows_were_deleted()
    {
        var history = new TrafficHistory();
        var time = TrafficHistory.Clock();
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, time: time);
        await history.LoadAsync(app, time);
        var whole = await app.AnswersAsync(TrafficHistory.From, TrafficHistory.To);
        var deletedHoursOnly = await app.AnswersAsync(TrafficHistory.From, TrafficHistory.RawCutoff);
        var straddling = await app.AnswersAsync(TrafficHistory.RawCutoff.AddHours(-5), TrafficHistory.RawCutoff.AddHours(5));

        var run = await app.RunTimerAsync();

        Assert.Equal("completed", run.RunStatus);
        Assert.True(run.Number("RawRowsDeleted") > 0, run.ToString());
        // Whole days before the cutoff's day go with their tables; the cutoff's day waits for the next night.
        Assert.DoesNotContain(await app.Storage.AllAsync(TableNames.RequestEvents),
            row => string.CompareOrdinal(row.PartitionKey, "2025040100") < 0);
        Assert.Equal(whole, await app.AnswersAsync(TrafficHistory.From, TrafficHistory.To));
        Assert.Equal(deletedHoursOnly, await app.AnswersAsync(TrafficHistory.From, TrafficHistory.RawCutoff));
        Assert.Equal(straddling, await app.AnswersAsync(TrafficHistory.RawCutoff.AddHours(-5), TrafficHistory.RawCutoff.AddHours(5)));
    }

    [Fact]
    public async Task After_the_nightly_run_the_org_breakdown_still_counts_every_event_sent()
    {
        var history = new TrafficHistory();
        var time = TrafficHistory.Clock();
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, time: time);
        await history.LoadAsync(app, time);

        await app.RunTimerAsync();

        var breakdown = JsonDocument.Parse(await app.AnswerAsync(
            $"/api/metrics/breakdown?by=org&from={StoredState.Iso(TrafficHistory.From)}&to={StoredState.Iso(TrafficHistory.RawCutoff)}")).RootElement;
        var sent = history.Requests.Where(e => e.At < TrafficHistory.RawCutoff).ToList();
        Assert.Equal(sent.Count, breakdown.GetProperty("totals").GetProperty("requests").GetInt64());
        Assert.Equal(sent.Count(e => e.Status >= 400), breakdown.GetProperty("totals").GetProperty("errors").GetInt64());
        var byOrg = breakdown.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString()!, r => r.GetProperty("requests").GetInt64());
        Assert.Equal(sent.GroupBy(e => e.OrgId).ToDictionary(g => g.Key, g => (long)g.Count()), byOrg);
    }
}
