using Azure.Data.Tables;
using Metrics.Core.Ingestion;
using Metrics.Storage;
using Metrics.Storage.Raw;
using Metrics.Tests.Shared;
using Microsoft.Extensions.Options;

namespace Metrics.Storage.Tests.Raw;

[Collection(AzuriteCollection.Name)]
public sealed class RawEventStoreTests(SharedAzurite azurite)
{
    private static readonly DateTimeOffset Hour = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    internal static RequestEvent Event(int i, DateTimeOffset at, string service = "orders-api") => new($"e-{i}", service, at.AddSeconds(i % 3600),
        "/orders/{id}", "GET", 200 + (i % 5 == 0 ? 300 : 0), 1.5 + i, $"u-{i % 13}", "acme", "ES", Invocation.Sync, "gpt-small", 10 * i, 0.25, 0);

    [Fact]
    public async Task More_rows_than_one_transaction_holds_are_all_stored_in_their_hour_and_shard_partitions()
    {
        var storage = azurite.NewStorage();
        var store = new RawEventStore(storage, new DirtyHours(storage), new SourceFreshness(storage), Options.Create(new StorageOptions { Shards = 2 }));
        var events = Enumerable.Range(0, 450).Select(i => Event(i, Hour)).ToList();

        await store.WriteAsync(events, "batch-1", Hour);

        var table = await storage.TableAsync(TableNames.RequestEvents);
        var rows = await table.QueryAsync<TableEntity>().ToListAsync();
        Assert.Equal(450, rows.Count);
        Assert.Equal(["2026112410-00", "2026112410-01"], rows.Select(r => r.PartitionKey).Distinct().Order());
        Assert.Equal(events.Select(e => RawEntities.ToRequestEvent(RawEntities.From(e, 2, "b", Hour))).OrderBy(e => e.Id),
            rows.Select(RawEntities.ToRequestEvent).OrderBy(e => e.Id));
    }

    [Fact]
    public async Task A_marker_rewritten_after_it_was_listed_is_not_cleared()
    {
        var storage = azurite.NewStorage();
        var dirty = new DirtyHours(storage);
        await dirty.MarkAsync(EventKinds.Requests, [Hour]);
        var listed = Assert.Single(await dirty.ListAsync(EventKinds.Requests));

        await dirty.MarkAsync(EventKinds.Requests, [Hour]);

        Assert.False(await dirty.ClearAsync(listed));
        var relisted = Assert.Single(await dirty.ListAsync(EventKinds.Requests));
        Assert.True(await dirty.ClearAsync(relisted));
        Assert.Empty(await dirty.ListAsync(EventKinds.Requests));
    }

    [Fact]
    public async Task Every_instance_gets_the_same_visitor_salt_for_a_day_and_yesterdays_is_deleted()
    {
        var options = azurite.NewStorageOptions();
        var first = new VisitorSalts(new StorageAccount(options));
        var second = new VisitorSalts(new StorageAccount(options));
        var yesterday = new DateOnly(2026, 11, 23);

        var old = await first.ForDayAsync(yesterday);
        var today = await first.ForDayAsync(yesterday.AddDays(1));

        Assert.Equal(today, await second.ForDayAsync(yesterday.AddDays(1)));
        Assert.NotEqual(old, today);
        var table = await new StorageAccount(options).TableAsync(TableNames.VisitorSalts);
        Assert.Equal(["20261124"], (await table.QueryAsync<TableEntity>().ToListAsync()).Select(r => r.RowKey));
    }
}
