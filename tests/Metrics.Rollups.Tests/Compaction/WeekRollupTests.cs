using Metrics.Core.Ingestion;
using Metrics.Core.Queries;
using Metrics.Core.Rollups;
using Metrics.Tests.Shared;

namespace Metrics.Rollups.Tests.Compaction;

/// <summary>
/// Weeks that are over get week rows, and a query over the whole window reads them instead of their days,
/// with exactly the answer the days give.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class WeekRollupTests(SharedAzurite azurite)
{
    // Mondays 2 and 9 November start weeks that are over; the week of 16 November is still going on.
    private static readonly DateTimeOffset FirstDay = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = new(2026, 11, 18, 12, 0, 0, TimeSpan.Zero);
    private static readonly QueryWindow SixteenDays = new(FirstDay, FirstDay.AddDays(16));

    [Fact]
    public async Task Weeks_that_are_over_are_read_from_week_rows_with_the_answer_their_days_give()
    {
        var parts = await LoadAsync();

        var (byWeek, weekRequests) = await ReadAsync(parts, Grain.Week);
        var (byDay, dayRequests) = await ReadAsync(parts, Grain.Day);

        Assert.Equal(Measures(byDay), Measures(byWeek));
        Assert.Equal(16 * 20L, byWeek.Requests);
        Assert.Equal(2 + 1 + 1, weekRequests); // two weeks, 16 and 17 November in one range scan, the dirty-hour list
        Assert.Equal(1 + 1, dayRequests); // the 16 days' few rows fit one page
        Assert.Null(await new RollupStore(parts.Storage, new PartialRowCache()).ReadWeekAsync(CellFormats.Requests, Families.Service, FirstDay.AddDays(14), distinctCounts: true));
    }

    [Fact]
    public async Task A_week_not_marked_complete_is_read_from_its_days()
    {
        var parts = await LoadAsync();
        var table = await parts.Storage.TableAsync(TableNames.Rollups(Families.Service, Grain.Week));
        await table.DeleteEntityAsync(RollupPartitions.Key(EventKind.Requests, Families.Service, Grain.Week, FirstDay.AddDays(7)), RollupStore.WeekComplete);

        var (byWeek, requests) = await ReadAsync(parts, Grain.Week);

        Assert.Equal(Measures((await ReadAsync(parts, Grain.Day)).Total), Measures(byWeek));
        Assert.Equal(2 + 1 + 1, requests); // both weeks asked for, the unmarked one's days and the 2 after it in one range scan instead
    }

    [Fact]
    public async Task A_late_event_in_a_week_that_is_over_is_in_its_week_rows_once_its_hour_is_recomputed()
    {
        var parts = await LoadAsync();
        var late = Events.Request(9_999, FirstDay.AddDays(3).AddHours(15));
        await parts.StoreAsync([late], Now);

        await parts.Compaction.RecomputeAsync(EventKind.Requests, [RollupCalendar.HourOf(late.Timestamp)]);

        var (byWeek, _) = await ReadAsync(parts, Grain.Week);
        Assert.Equal(16 * 20L + 1, byWeek.Requests);
        Assert.Equal(Measures((await ReadAsync(parts, Grain.Day)).Total), Measures(byWeek));
    }

    /// <summary>20 requests on each of 17 days, compacted as the nightly run would (hours older than a week included).</summary>
    private async Task<RollupEngine> LoadAsync()
    {
        var parts = RollupEngine.On(azurite.NewStorage(), new SharedClock(Now));
        var events = Enumerable.Range(0, 17).SelectMany(day => Enumerable.Range(0, 20)
            .Select(i => Events.Request(day * 100 + i, FirstDay.AddDays(day).AddHours(10 + i % 3)))).ToList();
        await parts.StoreAsync(events, Now);
        await parts.Compaction.RecomputeAsync(EventKind.Requests, [.. events.Select(e => RollupCalendar.HourOf(e.Timestamp)).Distinct()]);
        await parts.Dirty.ClearBeforeAsync(EventKind.Requests, Now);
        return parts;
    }

    private static async Task<(RequestCell Total, long Requests)> ReadAsync(RollupEngine parts, Grain grain)
    {
        await parts.ReadAsync([Families.Service], SixteenDays, grain); // tables created
        var before = parts.Storage.Calls.TotalRequests;
        var slices = (await parts.ReadAsync([Families.Service], SixteenDays, grain))[Families.Service];
        return (Slices.Total(slices), parts.Storage.Calls.TotalRequests - before);
    }

    private static string Measures(RequestCell cell) =>
        $"{cell.Requests} {cell.ServerErrors} {cell.DurationMicros} {cell.Units} {Convert.ToHexString(cell.Users.ToBytes())} " +
        $"{cell.Durations.Count} {cell.Durations.Quantile(0.5)} {cell.Durations.Quantile(0.99)}";
}
