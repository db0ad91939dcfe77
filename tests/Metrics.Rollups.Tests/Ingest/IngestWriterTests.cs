using Azure.Data.Tables;
using Metrics.Core.Ingestion;
using Metrics.Tests.Shared;

namespace Metrics.Rollups.Tests.Ingest;

[Collection(AzuriteCollection.Name)]
public sealed class IngestWriterTests(SharedAzurite azurite)
{
    private static readonly DateTimeOffset Hour = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task More_rows_than_one_transaction_holds_are_all_stored_in_their_hour_and_shard_partitions()
    {
        var storage = azurite.NewStorage();
        using var engine = RollupEngine.On(storage, TimeProvider.System, shards: 2);
        var events = Enumerable.Range(0, 450).Select(i => Events.Request(i, Hour)).ToList();

        await engine.StoreAsync(events, Hour);

        var table = await storage.TableAsync(TableNames.RawEvents(EventKind.Requests, RawDayTables.DayOf(Hour)));
        var rows = await table.QueryAsync<TableEntity>().ToListAsync();
        Assert.Equal(450, rows.Count);
        Assert.Equal(["2026112410-00", "2026112410-01"], rows.Select(r => r.PartitionKey).Distinct().Order());
        Assert.Equal(events.Select(e => RawEntities.ToRequestEvent(RawEntities.From(e, 2, "b", Hour))).OrderBy(e => e.Id),
            rows.Select(RawEntities.ToRequestEvent).OrderBy(e => e.Id));
    }

    [Fact]
    public async Task Late_events_that_the_finalisation_boundary_passed_while_they_were_stored_are_not_acknowledged()
    {
        using var engine = RollupEngine.On(azurite.NewStorage(), TimeProvider.System);
        var receivedAt = Hour.AddDays(2);
        // The batch was read before the boundary moved (the helper's reader does not look at it); the nightly run moves it
        // before the write returns.
        await engine.Finalised.AdvanceBoundaryAsync(EventKind.Requests, Hour.AddHours(1));

        var refused = Assert.IsType<WriteOutcome.HoursFinalisedMeanwhile>(
            await engine.WriteAsync([Events.Request(1, Hour), Events.Request(2, Hour.AddHours(1)), Events.Request(3, Hour.AddHours(1))], receivedAt));

        Assert.Equal((1, Hour.AddHours(1)), (refused.Events, refused.Boundary));
        await engine.StoreAsync([Events.Request(4, Hour.AddHours(1))], receivedAt);
        await engine.StoreAsync([Events.Request(5, Hour)], Hour.AddHours(1));
    }

    [Fact]
    public async Task A_late_event_in_a_finalised_hour_is_refused_with_its_code_and_the_others_are_stored()
    {
        using var engine = RollupEngine.On(azurite.NewStorage(), TimeProvider.System);
        await engine.Finalised.AdvanceBoundaryAsync(EventKind.Requests, Hour.AddHours(1));
        using var batch = System.Text.Json.JsonDocument.Parse($$"""
            [ { "timestamp": "{{Hour.AddMinutes(5):O}}", "endpoint": "/a", "method": "GET", "status": 200, "durationMs": 1 },
              { "timestamp": "{{Hour.AddHours(1).AddMinutes(5):O}}", "endpoint": "/a", "method": "GET", "status": 200, "durationMs": 1 } ]
            """);

        var outcome = await engine.Writer.WriteRequestsAsync(
            window => IngestBatch<RequestEvent>.Read(batch.RootElement, new RequestEventReader("orders-api", window).Read), Hour.AddDays(2));

        var stored = Assert.IsType<WriteOutcome.Stored>(outcome);
        Assert.Equal(1, stored.Accepted);
        var rejected = Assert.Single(stored.Rejected);
        Assert.Equal((0, RejectionCode.FinalisedHour), (rejected.Index, rejected.Code));
    }

    [Fact]
    public async Task The_finalisation_boundary_only_moves_forward_and_is_kept_per_kind()
    {
        using var engine = RollupEngine.On(azurite.NewStorage(), TimeProvider.System);
        var finalised = engine.Finalised;
        Assert.Equal(DateTimeOffset.MinValue, await finalised.BoundaryAsync(EventKind.Requests));

        await finalised.AdvanceBoundaryAsync(EventKind.Requests, Hour);
        await finalised.AdvanceBoundaryAsync(EventKind.Requests, Hour.AddDays(-1));

        Assert.Equal(Hour, await finalised.BoundaryAsync(EventKind.Requests));
        Assert.Equal(DateTimeOffset.MinValue, await finalised.BoundaryAsync(EventKind.Usage));
    }

    [Fact]
    public async Task A_marker_rewritten_after_it_was_listed_is_not_cleared()
    {
        using var engine = RollupEngine.On(azurite.NewStorage(), TimeProvider.System);
        var dirty = engine.Dirty;
        await dirty.MarkAsync(EventKind.Requests, [Hour]);
        var listed = Assert.Single(await dirty.ListAsync(EventKind.Requests));

        await dirty.MarkAsync(EventKind.Requests, [Hour]);

        Assert.False(await dirty.ClearAsync(listed));
        var relisted = Assert.Single(await dirty.ListAsync(EventKind.Requests));
        Assert.True(await dirty.ClearAsync(relisted));
        Assert.Empty(await dirty.ListAsync(EventKind.Requests));
    }
}
