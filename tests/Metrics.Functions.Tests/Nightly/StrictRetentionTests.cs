using System.Net;
using System.Text.Json;
using Metrics.Core.Retention;
using Metrics.Core.Rollups;
using Metrics.Rollups;
using Metrics.Rollups.Tables;
using Metrics.Storage.Admin;
using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Nightly;

/// <summary>
/// After a nightly run nothing is older than its retention plus the day the cutoff falls in: raw rows (7 days), rollups of
/// every grain, week rows included (90 days), and audit rows (90 days); and a query over the whole retention window still
/// reads every event it may.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class StrictRetentionTests(SharedAzurite azurite)
{
    // The rollup cutoff falls on a Wednesday (2025-01-15 02:00): the week of Monday 2025-01-13 starts before it.
    private static readonly DateTimeOffset Now = new(2025, 4, 15, 2, 0, 30, TimeSpan.Zero);
    private static readonly DateTimeOffset RollupCutoff = new(2025, 1, 15, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Nothing_older_than_retention_remains_week_rows_included_and_a_ninety_day_query_counts_every_event_still_in_it()
    {
        var time = new SharedClock(new DateTimeOffset(2025, 1, 6, 0, 0, 0, TimeSpan.Zero));
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, time: time);
        var sent = new List<SentRequest>();
        // Days on both sides of the cutoff, in three weeks; the hour just before the cutoff and the one at it.
        DateTimeOffset[] hours =
        [
            new(2025, 1, 6, 10, 0, 0, TimeSpan.Zero), new(2025, 1, 11, 15, 0, 0, TimeSpan.Zero), new(2025, 1, 13, 9, 0, 0, TimeSpan.Zero),
            new(2025, 1, 14, 23, 0, 0, TimeSpan.Zero), new(2025, 1, 15, 1, 0, 0, TimeSpan.Zero), new(2025, 1, 15, 2, 0, 0, TimeSpan.Zero),
            new(2025, 1, 17, 12, 0, 0, TimeSpan.Zero), new(2025, 1, 21, 8, 0, 0, TimeSpan.Zero),
        ];
        foreach (var (hour, i) in hours.Select((h, i) => (h, i)))
        {
            time.SetUtcNow(hour.AddHours(1).AddMinutes(1));
            var events = Traffic.Requests($"h{i}", [hour], 6, seed: 40 + i);
            await app.SendAsync(events);
            sent.AddRange(events);
            // An audited admin call on each of these days.
            Assert.Equal(HttpStatusCode.OK, (await app.AdminGetAsync("/api/metrics/usage")).StatusCode);
            await app.CompactAsync();
        }
        // Weeks end and are merged into week rows; the raw days pass their retention.
        time.SetUtcNow(new DateTimeOffset(2025, 2, 3, 2, 0, 30, TimeSpan.Zero));
        await app.CompactAsync();
        await app.RunTimerAsync();
        var weeks = (await app.RollupPartitionsAsync()).Where(IsWeek).ToList();
        Assert.Contains(weeks, pk => pk.EndsWith("w20250113", StringComparison.Ordinal));

        // Raw rows within raw retention at the end: a day past it, the cutoff's own day and a recent one.
        DateTimeOffset[] recent = [new(2025, 4, 7, 20, 0, 0, TimeSpan.Zero), new(2025, 4, 8, 1, 0, 0, TimeSpan.Zero), new(2025, 4, 14, 10, 0, 0, TimeSpan.Zero)];
        foreach (var (hour, i) in recent.Select((h, i) => (h, i)))
        {
            time.SetUtcNow(hour.AddHours(1).AddMinutes(1));
            var events = Traffic.Requests($"r{i}", [hour], 5, seed: 60 + i);
            await app.SendAsync(events);
            sent.AddRange(events);
        }
        await app.CompactAsync();

        time.SetUtcNow(Now);
        var run = await app.RunTimerAsync();
        Assert.Equal("completed", run.RunStatus);

        var firstKeptRollupDay = NightlyPlan.FirstKeptDay(RollupCutoff);
        Assert.All(await app.RollupPartitionsAsync(), pk => Assert.True(RollupPartitions.StartOf(pk) >= firstKeptRollupDay, $"{pk} is older than {firstKeptRollupDay:O}"));
        Assert.DoesNotContain(await app.RollupPartitionsAsync(), pk => pk.EndsWith("w20250113", StringComparison.Ordinal));
        Assert.Contains(await app.RollupPartitionsAsync(), pk => pk.EndsWith("w20250120", StringComparison.Ordinal));
        Assert.All(await app.PartitionsAsync(AdminTables.Audit), day => Assert.True(string.CompareOrdinal(day, "20250115") >= 0, $"audit day {day}"));
        // Raw: the days before the raw cutoff's day (2025-04-08) are gone with their tables.
        Assert.Equal([TableNames.RequestEvents + "20250408", TableNames.RequestEvents + "20250414"],
            (await app.Storage.TableNamesAsync(TableNames.RequestEvents)).Order(StringComparer.Ordinal).ToList());
        Assert.DoesNotContain(await app.Storage.AllAsync(TableNames.RequestEvents), row => string.CompareOrdinal(row.PartitionKey, "2025040800") < 0);

        // The longest query retention allows, from the earliest hour it accepts.
        var from = RollupCalendar.HourOf(Now.AddDays(-90));
        var to = RollupCalendar.HourOf(Now);
        var answer = JsonDocument.Parse(await app.AnswerAsync($"/api/metrics/breakdown?by=org&from={StoredState.Iso(from)}&to={StoredState.Iso(to)}")).RootElement;
        var expected = sent.Where(e => e.At >= from && e.At < to).ToList();
        Assert.Equal(expected.Count, answer.GetProperty("totals").GetProperty("requests").GetInt64());
        Assert.Equal(expected.Count(e => e.Status >= 400), answer.GetProperty("totals").GetProperty("errors").GetInt64());
        Assert.Equal(expected.GroupBy(e => e.OrgId).ToDictionary(g => g.Key, g => (long)g.Count()),
            answer.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString()!, r => r.GetProperty("requests").GetInt64()));
    }

    private static bool IsWeek(string partitionKey) => partitionKey[partitionKey.LastIndexOf('-') + 1] == 'w';
}
