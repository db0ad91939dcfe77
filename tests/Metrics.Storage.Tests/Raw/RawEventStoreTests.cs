using Azure.Data.Tables;
using Metrics.Core.Ingestion;
using Metrics.Storage;
using Metrics.Storage.Raw;
using Metrics.Storage.Retention;
using Metrics.Storage.Rollups;
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
        var store = new RawEventStore(storage, new RollupStore(storage, new PartialRowCache()), new DirtyHours(storage), new SourceFreshness(storage), new FinalizedHours(storage), TimeProvider.System,
            Options.Create(new StorageOptions { Shards = 2 }));
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
    public async Task Late_events_that_the_finalisation_boundary_passed_while_they_were_stored_are_not_acknowledged()
    {
        var storage = azurite.NewStorage();
        var finalized = new FinalizedHours(storage);
        var store = new RawEventStore(storage, new RollupStore(storage, new PartialRowCache()), new DirtyHours(storage), new SourceFreshness(storage), finalized, TimeProvider.System, Options.Create(new StorageOptions()));
        var receivedAt = Hour.AddDays(2);
        // The handler found no boundary when it accepted these; the nightly run moves it before their write returns.
        await finalized.AdvanceBoundaryAsync(EventKinds.Requests, Hour.AddHours(1));

        var refused = await Assert.ThrowsAsync<FinalisedWhileStoringException>(
            () => store.WriteAsync([Event(1, Hour), Event(2, Hour.AddHours(1)), Event(3, Hour.AddHours(1))], "b-1", receivedAt));

        Assert.Equal((1, Hour.AddHours(1)), (refused.Events, refused.Boundary));
        await store.WriteAsync([Event(4, Hour.AddHours(1))], "b-2", receivedAt);
        await store.WriteAsync([Event(5, Hour)], "b-3", Hour.AddHours(1));
    }

    [Fact]
    public async Task The_finalisation_boundary_only_moves_forward_and_is_kept_per_kind()
    {
        var finalized = new FinalizedHours(azurite.NewStorage());
        Assert.Equal(DateTimeOffset.MinValue, await finalized.BoundaryAsync(EventKinds.Requests));

        await finalized.AdvanceBoundaryAsync(EventKinds.Requests, Hour);
        await finalized.AdvanceBoundaryAsync(EventKinds.Requests, Hour.AddDays(-1));

        Assert.Equal(Hour, await finalized.BoundaryAsync(EventKinds.Requests));
        Assert.Equal(DateTimeOffset.MinValue, await finalized.BoundaryAsync(EventKinds.Usage));
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
