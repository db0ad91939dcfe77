using Metrics.Core.Queries;
using Metrics.Core.Rollups;
using Metrics.Tests.Shared;

namespace Metrics.Rollups.Tests.Queries;

[Collection(AzuriteCollection.Name)]
public sealed class RollupQueriesTests(SharedAzurite azurite)
{
    private static readonly QueryWindow TenDays = new(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 11, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_run_of_days_is_one_request_when_its_rows_fit_a_page_and_at_most_one_a_day_beyond()
    {
        // 2 tuples a day: the 10 days fit one page of a range scan. 150 a day: the first page (1,000 rows) holds days
        // 1 to 6 whole and part of day 7, so days 7 to 10 are read one request each, and day 7's part is not counted twice.
        var sparse = await ReadDaysAsync(tuplesPerDay: 2);
        var dense = await ReadDaysAsync(tuplesPerDay: 150);

        Assert.Equal((20, 1_500), (sparse.Rows, dense.Rows));
        Assert.Equal(1 + 1, sparse.Requests); // the range scan, and the dirty-hour list
        Assert.Equal(1 + 4 + 1, dense.Requests);
    }

    private async Task<(int Rows, long Requests)> ReadDaysAsync(int tuplesPerDay)
    {
        var storage = azurite.NewStorage();
        using var engine = RollupEngine.On(storage, TimeProvider.System);
        var store = engine.Store;
        foreach (var day in TenDays.Buckets(Interval.Day))
        {
            var events = Enumerable.Range(0, tuplesPerDay).Select(i => Events.Request(i, day, service: $"service-{i}"));
            await store.ReplaceAsync(CellFormats.Requests, Families.Endpoint, Grain.Day, day, HourRollup.Of(events).Where(c => c.Key.Family == Families.Endpoint),
                FoldPosition.End);
        }
        await engine.ReadAsync([Families.Endpoint], TenDays, Grain.Day); // creates the dirty-hour table, once
        var before = storage.Calls.TotalRequests;
        var slices = (await engine.ReadAsync([Families.Endpoint], TenDays, Grain.Day))[Families.Endpoint];
        var requests = storage.Calls.TotalRequests - before;

        Assert.Equal(tuplesPerDay * 10L, slices.Sum(s => s.Cell.Requests));
        Assert.Equal(TenDays.Buckets(Interval.Day), slices.Select(s => s.Start).Distinct());
        return (slices.Count, requests);
    }
}
