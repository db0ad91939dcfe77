using Azure.Data.Tables;
using Metrics.Core.Ingestion;
using Metrics.Core.Queries;
using Metrics.Core.Rollups;
using Metrics.Tests.Shared;

namespace Metrics.Rollups.Tests.Ingest;

/// <summary>
/// A batch sent again, as clients do after a timeout or a 5xx: whatever its first write got done, every event is
/// counted once with its first copy, and when that write was complete nothing else is read or recomputed.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ReplayTests(SharedAzurite azurite)
{
    private static readonly DateTimeOffset Hour = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    private static readonly QueryWindow Day = new(Hour.UtcDateTime.Date, Hour.UtcDateTime.Date.AddDays(1));

    [Fact]
    public async Task A_batch_sent_again_after_its_first_write_completed_costs_one_lookup_and_no_recompute()
    {
        using var clock = new SharedClock(Hour.AddHours(2));
        var parts = RollupEngine.On(azurite.NewStorage(), clock);
        var first = Enumerable.Range(0, 120).Select(i => Events.Request(i, Hour)).ToList();
        await parts.StoreAsync(first, clock.GetUtcNow());
        await CompactAsync(parts, clock);
        clock.Advance(TimeSpan.FromMinutes(1));
        var again = first.Select(e => e.Id == "e-7" ? e with { Status = 503 } : e).ToList();

        var outcome = Assert.IsType<WriteOutcome.Stored>(await parts.WriteAsync(again, clock.GetUtcNow()));

        Assert.Equal((120, 0), (outcome.Accepted, outcome.Duplicates));
        Assert.DoesNotContain(await parts.Dirty.ListAsync(EventKind.Requests), m => m.Raw);
        Assert.Equal(ServiceAnswers.Expected(first), await ServiceAnswers.AnswerAsync(parts, Day, Grain.Day));
        var compacted = await CompactAsync(parts, clock);
        Assert.Equal((0, 0L), (compacted.HoursCompacted, compacted.RawRowsRead));
        Assert.Equal(ServiceAnswers.Expected(first), await ServiceAnswers.AnswerAsync(parts, Day, Grain.Day));
    }

    /// <summary>
    /// The first write stops after each of its steps (what it stored is there, nothing after it), a compaction runs, and
    /// the batch is sent again: the answer counts every event once before and after the next compaction.
    /// </summary>
    [Theory]
    [InlineData(StoppedAfter.SomeRawRows)]
    [InlineData(StoppedAfter.RawRows)]
    [InlineData(StoppedAfter.SomePartials)]
    [InlineData(StoppedAfter.Partials)]
    [InlineData(StoppedAfter.Markers)]
    [InlineData(StoppedAfter.Complete)]
    public async Task A_batch_sent_again_after_its_first_write_stopped_at_any_step_counts_every_event_once(StoppedAfter stoppedAfter)
    {
        using var clock = new SharedClock(Hour.AddMinutes(50));
        var parts = RollupEngine.On(azurite.NewStorage(), clock);
        // An hour before, so the batch's hour has no marker but the one its write leaves.
        var earlier = Enumerable.Range(1000, 40).Select(i => Events.Request(i, Hour.AddHours(-1))).ToList();
        await parts.StoreAsync(earlier, clock.GetUtcNow());
        var batch = Enumerable.Range(0, 150).Select(i => Events.Request(i, Hour.AddMinutes(i % 50), i % 3 == 0 ? "billing-api" : "orders-api")).ToList();
        var firstWrite = Assert.IsType<WriteOutcome.Stored>(await parts.WriteAsync(batch, clock.GetUtcNow()));
        await StoppedWrites.StopAfterAsync(parts, firstWrite.BatchId, stoppedAfter, Hour);
        await CompactAsync(parts, clock);
        clock.Advance(TimeSpan.FromSeconds(30));

        await parts.StoreAsync(batch, clock.GetUtcNow());

        var expected = ServiceAnswers.Expected(earlier.Concat(batch));
        Assert.Equal(expected, await ServiceAnswers.AnswerAsync(parts, Day, Grain.Hour));
        var compacted = await CompactAsync(parts, clock);
        Assert.Equal(expected, await ServiceAnswers.AnswerAsync(parts, Day, Grain.Hour));
        // Only a write that did not get to say it was complete leaves its hour to recompute from raw rows.
        Assert.Equal(stoppedAfter == StoppedAfter.Complete ? 0L : batch.Count, compacted.RawRowsRead);
    }

    private static Task<CompactionSummary> CompactAsync(RollupEngine parts, SharedClock clock)
    {
        clock.Advance(TimeSpan.FromTicks(1));
        return parts.Compaction.RunAsync();
    }
}
