using Azure.Data.Tables;
using Metrics.Core.Queries;
using Metrics.Core.Rollups;
using Metrics.Tests.Shared;

namespace Metrics.Rollups.Tests.Queries;

[Collection(AzuriteCollection.Name)]
public sealed class RollupQueriesTests(SharedAzurite azurite)
{
    private static readonly QueryWindow TenDays = new(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 11, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_run_of_packed_days_is_one_request_whatever_the_tuples_a_day()
    {
        var sparse = await ReadDaysAsync(tuplesPerDay: 2, packed: true);
        var dense = await ReadDaysAsync(tuplesPerDay: 150, packed: true);

        Assert.Equal((20, 1_500), (sparse.Rows, dense.Rows));
        Assert.Equal((1 + 1, 1 + 1), (sparse.Requests, dense.Requests)); // the range scan, and the dirty-hour list
    }

    [Fact]
    public async Task Days_written_a_row_per_key_are_read_one_request_a_day_beyond_the_first_page()
    {
        // Days rolled up before packs. 150 rows a day: the first page (1,000 rows) holds days 1 to 6 whole and part of day 7,
        // so days 7 to 10 are read one request each, and day 7's part is not counted twice.
        var dense = await ReadDaysAsync(tuplesPerDay: 150, packed: false);

        Assert.Equal(1_500, dense.Rows);
        Assert.Equal(1 + 4 + 1, dense.Requests);
    }

    private async Task<(int Rows, long Requests)> ReadDaysAsync(int tuplesPerDay, bool packed)
    {
        var storage = azurite.NewStorage();
        using var engine = RollupEngine.On(storage, TimeProvider.System);
        var store = engine.Store;
        foreach (var day in TenDays.Buckets(Interval.Day))
        {
            var events = Enumerable.Range(0, tuplesPerDay).Select(i => Events.Request(i, day, service: $"service-{i}"));
            var cells = HourRollup.Of(events).Where(c => c.Key.Family == Families.Endpoint).ToList();
            if (packed)
            {
                await store.ReplaceAsync(CellFormats.Requests, Families.Endpoint, Grain.Day, day, cells, FoldPosition.End);
                continue;
            }
            var table = await storage.TableAsync(TableNames.Rollups(Families.Endpoint, Grain.Day));
            var partitionKey = RollupPartitions.Key(Core.Ingestion.EventKind.Requests, Families.Endpoint, Grain.Day, day);
            foreach (var (key, cell) in cells)
                await table.UpsertEntityAsync(RollupEntities.From(partitionKey, key, cell), TableUpdateMode.Replace);
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
