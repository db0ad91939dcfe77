using Azure.Data.Tables;
using Metrics.Core.Ingestion;
using Metrics.Core.Retention;
using Metrics.Core.Rollups;
using Metrics.Rollups.Compaction;
using Metrics.Rollups.Retention;
using Metrics.Rollups.Tables;
using Microsoft.Extensions.Options;

namespace Metrics.Rollups.Ingest;

/// <summary>
/// The write path of one batch, from its events to a <see cref="WriteOutcome"/>:
/// <list type="number">
/// <item>its events are read against the acceptance window (raw retention, and the hours the nightly run has finalised
/// when the batch holds late events, <see cref="LateEvents"/>), so an event no rollup would count is refused with a reason;</item>
/// <item>request events are held to each service's endpoints for the day (<see cref="EndpointLimiter"/>);</item>
/// <item>raw rows are inserted (<see cref="RawRows"/>); an event stored already (a batch sent again) is left as its first
/// copy, counted by its first write once that write is complete (<see cref="BatchLedger"/>);</item>
/// <item>what the inserted events add to their hours: one partial row per family and hour holding every key
/// (<see cref="PartialRows"/>), then a marker saying the hour has partials; then the batch is recorded complete, and the
/// source's freshness;</item>
/// <item>a batch with late events reads the finalisation boundary again: if the nightly run moved it past some of them
/// meanwhile, nothing is acknowledged (<see cref="WriteOutcome.HoursFinalisedMeanwhile"/>).</item>
/// </list>
/// A <see cref="WriteOutcome.Stored"/> means every accepted event is stored and will be counted once. A storage fault
/// is thrown as it is: nothing is acknowledged, and the same batch sent again is stored once.
/// </summary>
public sealed class IngestWriter(RawRows raw, RollupStore rollups, DirtyHours dirtyHours, BatchLedger ledger, SourceFreshness freshness, FinalisedHours finalisedHours,
    EndpointLimiter endpoints, TimeProvider time, IOptions<RollupOptions> options, IOptions<RetentionOptions> retention)
{
    private const int ParallelWrites = 8;

    /// <summary>The id a batch's receipt carries: time-ordered, so ids sort as batches arrived.</summary>
    public static string NewBatchId(DateTimeOffset receivedAt) => Guid.CreateVersion7(receivedAt).ToString("N");

    /// <param name="read">Reads the batch's events against a window (Core's readers); called again with a narrower
    /// window when the batch holds late events.</param>
    public async Task<WriteOutcome> WriteRequestsAsync(Func<AcceptanceWindow, IngestBatch<RequestEvent>> read, DateTimeOffset receivedAt,
        CancellationToken cancellationToken = default)
    {
        var batch = await AcceptAsync(EventKind.Requests, read, receivedAt, cancellationToken).ConfigureAwait(false);
        if (batch.Accepted.Count == 0) return new WriteOutcome.NothingValid(batch.Rejected);
        var limited = await endpoints.LimitAsync(batch.Accepted, cancellationToken).ConfigureAwait(false);
        var events = limited.Events;
        var batchId = NewBatchId(receivedAt);
        var rows = events.Select(e => RawEntities.From(e, options.Value.Shards, batchId, receivedAt)).ToList();
        return await WriteAsync(CellFormats.Requests, batchId, rows, (cells, i) => HourRollup.Add(cells, events[i]), events.Select(e => e.Timestamp).ToList(),
            receivedAt, cancellationToken).ConfigureAwait(false) ?? new WriteOutcome.Stored(batchId, events.Count, batch.Duplicates, batch.Rejected, limited.Folded);
    }

    /// <inheritdoc cref="WriteRequestsAsync"/>
    public async Task<WriteOutcome> WriteUsageAsync(Func<AcceptanceWindow, IngestBatch<UsageEvent>> read, DateTimeOffset receivedAt,
        CancellationToken cancellationToken = default)
    {
        var batch = await AcceptAsync(EventKind.Usage, read, receivedAt, cancellationToken).ConfigureAwait(false);
        if (batch.Accepted.Count == 0) return new WriteOutcome.NothingValid(batch.Rejected);
        var events = batch.Accepted;
        var batchId = NewBatchId(receivedAt);
        var rows = events.Select(e => RawEntities.From(e, options.Value.Shards, batchId, receivedAt)).ToList();
        return await WriteAsync(CellFormats.Usage, batchId, rows, (cells, i) => HourRollup.Add(cells, events[i]), events.Select(e => e.Timestamp).ToList(),
            receivedAt, cancellationToken).ConfigureAwait(false) ?? new WriteOutcome.Stored(batchId, events.Count, batch.Duplicates, batch.Rejected, 0);
    }

    /// <summary>
    /// The batch read against the acceptance window. Only a batch holding late events is read again against the hours
    /// the nightly run has finalised, so live traffic is read once and costs no storage call.
    /// </summary>
    private async Task<IngestBatch<T>> AcceptAsync<T>(EventKind kind, Func<AcceptanceWindow, IngestBatch<T>> read, DateTimeOffset now,
        CancellationToken cancellationToken) where T : class, IIngestedEvent
    {
        var window = AcceptanceWindow.At(now, retention.Value.RawDays);
        var batch = read(window);
        if (!LateEvents.AnyIn(batch.Accepted.Select(e => e.Timestamp), now)) return batch;
        var boundary = await finalisedHours.BoundaryAsync(kind, cancellationToken).ConfigureAwait(false);
        return read(window.ExceptFinalisedBefore(boundary));
    }

    /// <param name="add">Adds the event at an index of <paramref name="rows"/> to rollup cells.</param>
    /// <returns>Null when every row is stored and will be counted; else why the batch is not acknowledged.</returns>
    private async Task<WriteOutcome?> WriteAsync<TCell>(CellFormat<TCell> format, string batchId, List<TableEntity> rows,
        Action<Dictionary<RollupKey, TCell>, int> add, List<DateTimeOffset> timestamps, DateTimeOffset receivedAt, CancellationToken cancellationToken)
        where TCell : new()
    {
        var kind = format.Kind;
        var insert = await raw.InsertNewAsync(kind, rows, cancellationToken).ConfigureAwait(false);
        if (insert.StoredBefore.Count > 0) await SettleStoredBeforeAsync(kind, insert.StoredBefore, timestamps, cancellationToken).ConfigureAwait(false);
        var partialHours = await WritePartialsAsync(format, Guid.Parse(batchId), insert.Inserted, add, timestamps, receivedAt, cancellationToken)
            .ConfigureAwait(false);
        await dirtyHours.MarkAsync(kind, partialHours, cancellationToken).ConfigureAwait(false);
        // A fold cuts at FoldDelay ago; a partial that took half of that to land might have been missed by one.
        var now = time.GetUtcNow();
        if (now - receivedAt > options.Value.FoldDelay / 2 && partialHours.Count > 0)
            await dirtyHours.MarkRawAsync(kind, partialHours, now, cancellationToken).ConfigureAwait(false);
        // Only a batch that stored rows can be anyone's first write.
        if (insert.Inserted.Count > 0) await ledger.RecordCompleteAsync(kind, batchId, receivedAt, cancellationToken).ConfigureAwait(false);
        await freshness.RecordAsync(kind, timestamps.Max(), receivedAt, cancellationToken).ConfigureAwait(false);

        // The batch was read against the finalisation boundary; if the nightly run moved the boundary past some of its
        // events since, it may have read their hour without them. Rows and markers are stored, so a boundary read now
        // that has not moved comes before the run reads anything, and the run will count them.
        if (!LateEvents.AnyIn(timestamps, receivedAt)) return null;
        var boundary = await finalisedHours.BoundaryAsync(kind, cancellationToken).ConfigureAwait(false);
        var missed = timestamps.Count(t => t < boundary);
        return missed > 0 ? new WriteOutcome.HoursFinalisedMeanwhile(boundary, missed) : null;
    }

    /// <summary>
    /// Events stored before are counted by the write that stored them, once it is complete: usually it is (a client that
    /// timed out, a batch sent twice), and nothing is left to do. A first write that stopped midway, or is still under
    /// way, may have stored some of its partials and not others; a partial missing now may also have been folded already,
    /// so only the hours' raw rows can say what was counted: those hours are recomputed from them.
    /// </summary>
    private async Task SettleStoredBeforeAsync(EventKind kind, IReadOnlyDictionary<int, FirstWrite> storedBefore, List<DateTimeOffset> timestamps,
        CancellationToken cancellationToken)
    {
        var incomplete = (await ledger.IncompleteAsync(kind, storedBefore.Values, cancellationToken).ConfigureAwait(false)).ToHashSet();
        if (incomplete.Count == 0) return;
        var hours = storedBefore.Where(e => incomplete.Contains(e.Value)).Select(e => RollupCalendar.HourOf(timestamps[e.Key])).Distinct().ToList();
        await dirtyHours.MarkRawAsync(kind, hours, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes each hour's partials, every family side by side, under the batch's id; returns the hours written.</summary>
    private async Task<List<DateTimeOffset>> WritePartialsAsync<TCell>(CellFormat<TCell> format, Guid writeId, IEnumerable<int> events,
        Action<Dictionary<RollupKey, TCell>, int> add, List<DateTimeOffset> timestamps, DateTimeOffset receivedAt, CancellationToken cancellationToken)
        where TCell : new()
    {
        var hours = events.GroupBy(i => RollupCalendar.HourOf(timestamps[i])).ToList();
        var writes = hours.SelectMany(hour =>
        {
            var cells = new Dictionary<RollupKey, TCell>();
            foreach (var i in hour) add(cells, i);
            return Families.Of(format.Kind).Select(family => (hour.Key, family, cells: cells.Where(c => c.Key.Family == family)));
        }).ToList();
        await Parallel.ForEachAsync(writes, new ParallelOptions { MaxDegreeOfParallelism = ParallelWrites, CancellationToken = cancellationToken },
            async (write, token) => await rollups.WritePartialsAsync(format, write.family, write.Key, FoldPosition.At(receivedAt), writeId, write.cells, token)
                .ConfigureAwait(false)).ConfigureAwait(false);
        return hours.Select(h => h.Key).ToList();
    }
}
