using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Metrics.Core.Ingestion;
using static Metrics.Core.Tests.Ingestion.Events;

namespace Metrics.Core.Tests.Ingestion;

public sealed class IngestBatchTests
{
    /// <summary>A stand-in event: objects with an id are accepted, anything else is rejected with its text.</summary>
    private sealed record Item(string Id, int Value) : IIngestedEvent
    {
        public DateTimeOffset Timestamp => Now;
    }

    private static EventRead<Item> ReadItem(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
            ? EventRead<Item>.Accepted(new Item(element.GetProperty("id").GetString()!, element.GetProperty("v").GetInt32()))
            : EventRead<Item>.Rejected(RejectionCode.InvalidValue, $"bad {element.GetRawText()}");

    private static IngestBatch<Item> Read(string json) => IngestBatch<Item>.Read(Parse(json), ReadItem);

    [Fact]
    public void Empty_batch_accepts_rejects_and_duplicates_nothing()
    {
        var batch = Read("[]");

        Assert.Empty(batch.Accepted);
        Assert.Empty(batch.Rejected);
        Assert.Equal(0, batch.Duplicates);
    }

    [Fact]
    public void Repeated_id_is_counted_as_a_duplicate_and_the_first_event_wins()
    {
        var batch = Read("""[{"id":"a","v":1},{"id":"b","v":2},{"id":"a","v":3},{"id":"a","v":4}]""");

        Assert.Equal([new Item("a", 1), new Item("b", 2)], batch.Accepted);
        Assert.Equal(2, batch.Duplicates);
        Assert.Empty(batch.Rejected);
    }

    [Fact]
    public void Ids_are_compared_exactly()
    {
        var batch = Read("""[{"id":"a","v":1},{"id":"A","v":2},{"id":"a ","v":3}]""");

        Assert.Equal(3, batch.Accepted.Count);
        Assert.Equal(0, batch.Duplicates);
    }

    [Fact]
    public void Rejected_events_are_listed_by_their_position_in_the_batch()
    {
        var batch = Read("""[{"id":"a","v":1},7,{"id":"a","v":2},"x",{"id":"b","v":3},null]""");

        Assert.Equal([new Rejection(1, RejectionCode.InvalidValue, "bad 7"), new Rejection(3, RejectionCode.InvalidValue, "bad \"x\""),
            new Rejection(5, RejectionCode.InvalidValue, "bad null")], batch.Rejected);
        Assert.Equal([new Item("a", 1), new Item("b", 3)], batch.Accepted);
        Assert.Equal(1, batch.Duplicates);
    }

    [Fact]
    public void Accepted_events_keep_the_order_of_the_batch()
    {
        var batch = Read("""[{"id":"c","v":1},0,{"id":"a","v":2},{"id":"b","v":3}]""");

        Assert.Equal(["c", "a", "b"], batch.Accepted.Select(item => item.Id));
    }

    [Fact]
    public void Every_event_is_accepted_duplicate_or_rejected_and_accepted_ids_are_unique() =>
        Prop.ForAll(Gen.Choose(-1, 9).ListOf().ToArbitrary(), draws =>
        {
            // -1 stands for an invalid event, 0 to 9 for an event with that id.
            var json = "[" + string.Join(',', draws.Select(d => d < 0 ? "0" : $$"""{"id":"e{{d}}","v":{{d}}}""")) + "]";
            var batch = Read(json);
            var expectedAccepted = draws.Where(d => d >= 0).Distinct().Select(d => $"e{d}");

            return batch.Accepted.Count + batch.Duplicates + batch.Rejected.Count == draws.Count
                && batch.Accepted.Select(item => item.Id).SequenceEqual(expectedAccepted)
                && batch.Rejected.Select(r => r.Index).SequenceEqual(draws.Select((d, i) => (d, i)).Where(x => x.d < 0).Select(x => x.i));
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Batch_of_request_metrics_is_sorted_into_accepted_duplicates_and_rejected()
    {
        var reader = new RequestEventReader(Service, Window);
        var events = new System.Text.Json.Nodes.JsonArray(
            Request().With("id", "r-1"),
            Request().With("id", "r-2").With("status", 700),
            Request().With("id", "r-1").With("status", 500),
            Request(),
            Request(),
            Request().With("method", "FETCH"));

        var batch = IngestBatch<RequestEvent>.Read(events.Element(), reader.Read);

        Assert.Equal(2, batch.Accepted.Count);
        Assert.Equal("r-1", batch.Accepted[0].Id);
        Assert.Equal(200, batch.Accepted[0].Status);
        Assert.Equal(2, batch.Duplicates);
        Assert.Equal(
            [new Rejection(1, RejectionCode.InvalidValue, "status must be between 100 and 599"), new Rejection(5, RejectionCode.InvalidValue, "method 'FETCH' is not an HTTP method")],
            batch.Rejected);
    }
}
