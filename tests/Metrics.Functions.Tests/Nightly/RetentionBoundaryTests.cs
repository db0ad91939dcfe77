using System.Text.Json;
using Metrics.Core.Ingestion;
using Metrics.Core.Rollups;
using Metrics.Rollups;
using Metrics.Storage;
using Metrics.Storage.Admin;
using Metrics.Rollups.Retention;
using Metrics.Rollups.Tables;
using Metrics.Rollups.Compaction;
using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Nightly;

/// <summary>Which hours the nightly run finalises and prunes, at the exact edges of 7 and 90 days.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RetentionBoundaryTests(SharedAzurite azurite)
{
    [Fact]
    public async Task Hour_ending_seven_days_ago_is_finalised_and_its_raw_rows_go_with_their_day_table_once_the_whole_day_is_seven_days_old()
    {
        var outside = new DateTimeOffset(2025, 5, 3, 1, 0, 0, TimeSpan.Zero);
        var inside = outside.AddHours(1);
        var time = new SharedClock(inside.AddMinutes(10));
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, time: time);
        var random = new Random(3);
        // The last milliseconds of one hour and the first of the next.
        await app.SendAsync(Enumerable.Range(0, 30).Select(i => Traffic.Request($"out-{i}", inside.AddMilliseconds(-1 - i), random))
            .Concat(Enumerable.Range(0, 30).Select(i => Traffic.Request($"in-{i}", inside.AddMilliseconds(i), random))).ToList());
        await app.SendAsync(Enumerable.Range(0, 4).Select(i => new SentUsage($"out-{i}", inside.AddMilliseconds(-1 - i), "page_view", "/docs", "v-1"))
            .Concat(Enumerable.Range(0, 4).Select(i => new SentUsage($"in-{i}", inside.AddMilliseconds(i), "page_view", "/docs", "v-2"))).ToList());
        await app.CompactAsync();
        var to = inside.AddMinutes(10);
        var answer = await app.AnswersAsync(outside, to);
        Assert.Equal([TableNames.RequestEvents + "20250503"], await app.Storage.TableNamesAsync(TableNames.RequestEvents));

        time.SetUtcNow(inside.AddDays(7));
        var atSevenDays = await app.RunTimerAsync();

        // The hour before the cutoff is final; its rows wait for their day, whose hours after the cutoff are not.
        Assert.Equal("completed", atSevenDays.RunStatus);
        Assert.Equal(2, atSevenDays.Number("HoursFinalized"));
        Assert.Equal(0, atSevenDays.Number("RawRowsDeleted"));
        Assert.Equal(60, (await app.Storage.AllAsync(TableNames.RequestEvents)).Count);
        Assert.Equal([$"{EventKind.Requests.Name()}|2025050301", $"{EventKind.Usage.Name()}|2025050301"], await FinalisedAsync(app));
        Assert.Equal(answer, await app.AnswersAsync(outside, to));

        var dayOld = new DateTimeOffset(2025, 5, 11, 0, 0, 0, TimeSpan.Zero);
        time.SetUtcNow(dayOld.AddTicks(-1));
        var justBefore = await app.RunTimerAsync();

        Assert.Equal(2, justBefore.Number("HoursFinalized"));
        Assert.Equal(0, justBefore.Number("RawTablesDeleted"));
        Assert.Equal(60, (await app.Storage.AllAsync(TableNames.RequestEvents)).Count);

        time.Advance(TimeSpan.FromTicks(1));
        var wholeDay = await app.RunTimerAsync();

        Assert.Equal(2, wholeDay.Number("RawTablesDeleted"));
        Assert.Equal(68, wholeDay.Number("RawRowsDeleted"));
        Assert.Empty(await app.Storage.TableNamesAsync(TableNames.RequestEvents));
        Assert.Empty(await app.Storage.TableNamesAsync(TableNames.UsageEvents));
        Assert.Equal(answer, await app.AnswersAsync(outside, to));
        var totals = JsonDocument.Parse(answer[1]).RootElement.GetProperty("totals");
        Assert.Equal(60, totals.GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task Rollups_of_hours_older_than_ninety_days_are_pruned_and_the_hour_at_ninety_days_is_kept()
    {
        var cutoff = new DateTimeOffset(2025, 2, 1, 2, 0, 0, TimeSpan.Zero);
        var time = new SharedClock(cutoff.AddHours(-2).AddMinutes(-10));
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, time: time);
        // Admin calls are audited in one partition per day; the audit trail is kept as long as rollups.
        Assert.Equal(System.Net.HttpStatusCode.OK, (await app.AdminGetAsync("/api/metrics/usage")).StatusCode);
        time.SetUtcNow(cutoff.AddMinutes(30));
        Assert.Equal(System.Net.HttpStatusCode.OK, (await app.AdminGetAsync("/api/metrics/usage")).StatusCode);
        var random = new Random(5);
        var dayBefore = cutoff.AddHours(-3);          // 2025-01-31 23:00
        var outside = cutoff.AddHours(-1);            // 2025-02-01 01:00
        await app.SendAsync(Enumerable.Range(0, 10).Select(i => Traffic.Request($"d-{i}", dayBefore.AddMinutes(i), random))
            .Concat(Enumerable.Range(0, 10).Select(i => Traffic.Request($"o-{i}", cutoff.AddMilliseconds(-1 - i), random)))
            .Concat(Enumerable.Range(0, 10).Select(i => Traffic.Request($"i-{i}", cutoff.AddMilliseconds(i), random))).ToList());
        // A page view and a named click at each time, so every usage family (pages and names too) has rows there.
        await app.SendAsync([.. new[] { ("d", dayBefore), ("o", cutoff.AddMilliseconds(-1)), ("i", cutoff) }.SelectMany(e => new[]
        {
            new SentUsage(e.Item1, e.Item2, "page_view", "/", "v-1"), new SentUsage($"{e.Item1}-click", e.Item2, "button_click", "/", "v-1", "signup"),
        })]);
        await app.CompactAsync();
        time.SetUtcNow(cutoff.AddDays(8));
        Assert.Equal(6, (await app.RunTimerAsync()).Number("HoursFinalized"));
        var inside = await app.AnswersAsync(cutoff, cutoff.AddHours(1));
        var before = await app.RollupRowsAsync();

        time.SetUtcNow(cutoff.AddDays(90).AddTicks(-1));
        var justBefore = await app.RunTimerAsync();
        var afterJustBefore = await app.RollupPartitionsAsync();

        time.Advance(TimeSpan.FromTicks(1));
        var atNinetyDays = await app.RunTimerAsync();
        var afterNinety = await app.RollupPartitionsAsync();

        foreach (var (kind, family) in Families.RequestFamilies.Select(f => (EventKind.Requests, f))
                     .Concat(Families.UsageFamilies.Select(f => (EventKind.Usage, f))))
        {
            string Hour(DateTimeOffset at) => RollupPartitions.Key(kind, family, Grain.Hour, at);
            string Day(DateTimeOffset at) => RollupPartitions.Key(kind, family, Grain.Day, at);
            Assert.DoesNotContain(Hour(dayBefore), afterJustBefore);
            Assert.DoesNotContain(Day(dayBefore), afterJustBefore);
            Assert.Contains(Hour(outside), afterJustBefore);
            Assert.DoesNotContain(Hour(outside), afterNinety);
            Assert.Contains(Hour(cutoff), afterNinety);
            Assert.Contains(Day(cutoff), afterNinety);
        }
        // Strict retention: the week of Monday 2025-01-27 starts before the first kept day (2025-02-01), so its rows go too.
        Assert.Equal(before.Count(r => r.PartitionKey.EndsWith("h2025013123", StringComparison.Ordinal) || r.PartitionKey.EndsWith("d20250131", StringComparison.Ordinal)
                || r.PartitionKey.EndsWith("w20250127", StringComparison.Ordinal)),
            justBefore.Number("RollupRowsDeleted"));
        Assert.Equal(before.Count(r => r.PartitionKey.EndsWith("h2025020101", StringComparison.Ordinal)), atNinetyDays.Number("RollupRowsDeleted"));
        Assert.Equal([$"{EventKind.Requests.Name()}|2025020102", $"{EventKind.Usage.Name()}|2025020102"], await FinalisedAsync(app));
        Assert.Equal(1, justBefore.Number("AuditRowsDeleted"));
        Assert.Equal(0, atNinetyDays.Number("AuditRowsDeleted"));
        var audit = await app.PartitionsAsync(AdminTables.Audit);
        Assert.DoesNotContain("20250131", audit);
        Assert.Contains("20250201", audit);
        Assert.Equal(inside, await app.AnswersAsync(cutoff, cutoff.AddHours(1)));
        Assert.Equal(10, JsonDocument.Parse(inside[1]).RootElement.GetProperty("totals").GetProperty("requests").GetInt64());
    }

    private static async Task<List<string>> FinalisedAsync(TestApp app) =>
        (await app.Storage.AllAsync(TableNames.FinalisedHours)).Where(r => r.PartitionKey != FinalisedHours.BoundaryPartition)
            .Select(r => $"{r.PartitionKey}|{r.RowKey}").Order(StringComparer.Ordinal).ToList();
}
