using System.Text.Json;
using Metrics.Core.Ingestion;
using Metrics.Core.Rollups;
using Metrics.Rollups;
using Metrics.Storage;
using Metrics.Rollups.Ingest;
using Metrics.Rollups.Tables;
using Metrics.Rollups.Compaction;
using Metrics.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Functions.Tests.Nightly;

/// <summary>
/// The every-minute compaction and the nightly run share the hours between them: the compaction
/// recomputes only hours still within raw retention, the nightly finalises the rest. An hour the
/// nightly finalised must never be recomputed from what raw rows remain of it.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CompactionBoundaryTests(SharedAzurite azurite)
{
    private static readonly DateTimeOffset Hour = new(2025, 7, 1, 5, 0, 0, TimeSpan.Zero);

    private static string HourPartition(DateTimeOffset hour) => RollupPartitions.Key(EventKind.Requests, Families.Service, Grain.Hour, hour);

    [Fact]
    public async Task Compaction_leaves_a_dirty_hour_older_than_raw_retention_to_the_nightly_run()
    {
        var time = new SharedClock(Hour.AddHours(1));
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, time: time);
        await app.SendAsync(Traffic.Requests("r", [Hour], 10));
        time.SetUtcNow(Hour.AddDays(7).AddHours(1).AddMilliseconds(1));

        var compaction = await app.CompactAsync();

        Assert.Equal(0, compaction.HoursCompacted);
        Assert.DoesNotContain(HourPartition(Hour), await app.RollupPartitionsAsync());
        Assert.Single(await app.Storage.AllAsync(TableNames.DirtyHours));

        var nightly = await app.RunNightlyAsync();

        Assert.Equal(1, nightly.HoursFinalized);
        Assert.Equal(10, nightly.RawRowsRead);
        // The hour is final; its raw rows go with their day's table, once the whole day is past raw retention.
        Assert.Equal(0, nightly.RawRowsDeleted);
        Assert.Contains(HourPartition(Hour), await app.RollupPartitionsAsync());
        Assert.Empty(await app.Storage.AllAsync(TableNames.DirtyHours));
        var breakdown = JsonDocument.Parse(await app.AnswerAsync($"/api/metrics/breakdown?by=org&from={StoredState.Iso(Hour)}&to={StoredState.Iso(Hour.AddHours(1))}"));
        Assert.Equal(10, breakdown.RootElement.GetProperty("totals").GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task Nightly_finalises_a_compacted_hour_without_reading_its_raw_rows_again()
    {
        var time = new SharedClock(Hour.AddHours(1));
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, time: time);
        await app.SendAsync(Traffic.Requests("r", [Hour], 10));
        Assert.Equal(1, (await app.CompactAsync()).HoursCompacted);
        time.SetUtcNow(Hour.AddDays(8));

        var nightly = await app.RunNightlyAsync();

        Assert.Equal((1, 0L, 10L), (nightly.HoursFinalized, nightly.RawRowsRead, nightly.RawRowsDeleted));
        Assert.Empty(await app.Storage.AllAsync(TableNames.RequestEvents));
        var breakdown = JsonDocument.Parse(await app.AnswerAsync($"/api/metrics/breakdown?by=org&from={StoredState.Iso(Hour)}&to={StoredState.Iso(Hour.AddHours(1))}"));
        Assert.Equal(10, breakdown.RootElement.GetProperty("totals").GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task Compaction_still_recomputes_the_hour_that_straddles_the_raw_retention_edge()
    {
        var time = new SharedClock(Hour.AddHours(1));
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, time: time);
        await app.SendAsync(Traffic.Requests("r", [Hour], 10));
        time.SetUtcNow(Hour.AddDays(7).AddMinutes(59));

        var compaction = await app.CompactAsync();

        Assert.Equal(1, compaction.HoursCompacted);
        Assert.Contains(HourPartition(Hour), await app.RollupPartitionsAsync());
    }

    [Fact]
    public async Task Compaction_exactly_on_the_hour_leaves_the_hour_that_just_passed_raw_retention_to_the_nightly_run()
    {
        var time = new SharedClock(Hour.AddHours(1));
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, time: time);
        await app.SendAsync(Traffic.Requests("r", [Hour], 10));
        // Both timers fire at 02:00:00 in production; this hour ended exactly seven days ago.
        time.SetUtcNow(Hour.AddDays(7).AddHours(1));

        var compaction = await app.CompactAsync();

        Assert.Equal(0, compaction.HoursCompacted);
        Assert.DoesNotContain(HourPartition(Hour), await app.RollupPartitionsAsync());
    }

    /// <summary>
    /// Ingestion refuses events for a finalised hour (<see cref="FinalisedHourTests"/>), but one stored while the nightly run
    /// was finalising its hour lands in raw storage anyway (the batch is answered 503, not acknowledged). The hour's other
    /// raw rows are gone, so it cannot be recomputed: the stray row must never erase the hour's final rollups.
    /// </summary>
    [Fact]
    public async Task Late_event_for_an_hour_rolled_up_early_never_erases_its_final_rollups()
    {
        var now = new DateTimeOffset(2025, 7, 10, 2, 0, 30, TimeSpan.Zero);
        var twoDaysAgo = new DateTimeOffset(2025, 7, 8, 1, 0, 0, TimeSpan.Zero);
        var time = new SharedClock(now);
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, new Dictionary<string, string?> { ["Alerts:RowBudget"] = "10", ["Alerts:EarlyRollUp"] = "true" }, time);
        await app.SendAsync(Traffic.Requests("r", [twoDaysAgo], 20));
        await app.CompactAsync();
        var overBudget = await app.RunNightlyAsync();
        Assert.True(overBudget.RolledUpEarly);
        Assert.Empty(await app.Storage.AllAsync(TableNames.RequestEvents));
        var window = $"from={StoredState.Iso(twoDaysAgo)}&to={StoredState.Iso(twoDaysAgo.AddHours(1))}";
        Assert.Equal(20, await RequestsAsync(app, window));

        time.Advance(TimeSpan.FromMinutes(1));
        var late = new RequestEvent("late-1", "orders-api", twoDaysAgo.AddMinutes(30), "/api/orders", "GET", 200, 5, "u-1", "acme", "ES",
            Invocation.Sync, "gpt-small", 1, 0, 0);
        // Read before the boundary moved (this reader does not look at it), stored after: not acknowledged.
        Assert.IsType<WriteOutcome.HoursFinalisedMeanwhile>(
            await app.Services.GetRequiredService<IngestWriter>().WriteRequestsAsync(_ => new IngestBatch<RequestEvent>([late], 0, []), now));
        Assert.Single(await app.Storage.AllAsync(TableNames.RequestEvents));
        var seenAtOnce = await RequestsAsync(app, window);
        await app.CompactAsync();
        var seenAfterCompaction = await RequestsAsync(app, window);

        Assert.Equal((20, 20), (seenAtOnce, seenAfterCompaction));
    }

    private static async Task<long> RequestsAsync(TestApp app, string window) =>
        JsonDocument.Parse(await app.AnswerAsync($"/api/metrics/breakdown?by=org&{window}")).RootElement
            .GetProperty("totals").GetProperty("requests").GetInt64();
}
