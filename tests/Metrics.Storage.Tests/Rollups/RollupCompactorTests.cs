using Azure.Data.Tables;
using Metrics.Core.Ingestion;
using Metrics.Core.Queries;
using Metrics.Core.Rollups;
using Metrics.Storage;
using Metrics.Storage.Rollups;
using Metrics.Storage.Tests.Raw;
using Metrics.Tests.Shared;

namespace Metrics.Storage.Tests.Rollups;

[Collection(AzuriteCollection.Name)]
public sealed class RollupCompactorTests(SharedAzurite azurite)
{
    private static readonly DateTimeOffset Hour = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    private RollupPipeline Build() => RollupPipeline.On(azurite.NewStorage(), new SharedClock(Hour.AddHours(2)));

    [Fact]
    public async Task Compaction_writes_hour_and_day_rows_equal_to_the_live_computation_and_clears_the_marker()
    {
        var parts = Build();
        var events = Enumerable.Range(0, 300).Select(i => RawEventStoreTests.Event(i, Hour)).ToList();
        await parts.Store.WriteAsync(events, "b", Hour);
        var window = new QueryWindow(Hour.UtcDateTime.Date, Hour.UtcDateTime.Date.AddDays(1));
        var live = await parts.Reader.ReadAsync(CellFormats.Requests, [Families.Service], window, Grain.Day);

        var summary = await parts.Compactor.CompactDirtyHoursAsync();
        var stored = await parts.Reader.ReadAsync(CellFormats.Requests, [Families.Service], window, Grain.Day);

        Assert.Equal((1, 1, 300L, 0), (summary.HoursCompacted, summary.DaysCompacted, summary.RawRowsRead, summary.HoursStillDirty));
        Assert.Empty(await parts.Dirty.ListAsync(EventKinds.Requests));
        var expected = HourRollup.Of(events).Where(c => c.Key.Family == Families.Service).ToDictionary();
        foreach (var slices in new[] { live[Families.Service], stored[Families.Service] })
        {
            var cell = Assert.Single(slices).Cell;
            var want = expected.Values.Single();
            Assert.Equal((want.Requests, want.ServerErrors, want.DurationMicros, want.Units), (cell.Requests, cell.ServerErrors, cell.DurationMicros, cell.Units));
            Assert.Equal(want.Durations.ToBytes(), cell.Durations.ToBytes());
            Assert.Equal(want.Users.ToBytes(), cell.Users.ToBytes());
        }
        Assert.Equal(Hour.UtcDateTime.Date, Assert.Single(stored[Families.Service]).Start);
    }

    [Fact]
    public async Task A_recompute_drops_rollup_rows_no_longer_produced()
    {
        var parts = Build();
        await parts.Store.WriteAsync([RawEventStoreTests.Event(1, Hour, "old-service")], "b", Hour);
        await parts.Compactor.CompactDirtyHoursAsync();
        var table = await parts.Storage.TableAsync(TableNames.RequestEvents);
        await table.DeleteEntityAsync(HourBucket.PartitionKey(Hour.AddSeconds(1), "old-service:e-1", StorageOptions.DefaultShards), "old-service:e-1");
        await parts.Store.WriteAsync([RawEventStoreTests.Event(2, Hour, "new-service")], "b", Hour);

        await parts.Compactor.CompactDirtyHoursAsync();

        var rollups = await parts.Storage.TableAsync(RollupStore.TableOf(Families.Service, Grain.Hour));
        var services = (await rollups.QueryAsync<TableEntity>($"PartitionKey eq '{RollupPartitions.Key(EventKinds.Requests, Families.Service, Grain.Hour, Hour)}'").ToListAsync())
            .Select(r => r.GetString("D0"));
        Assert.Equal(["new-service"], services);
    }
}
