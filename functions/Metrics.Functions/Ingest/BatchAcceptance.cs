using System.Text.Json;
using Metrics.Core;
using Metrics.Core.Ingestion;
using Metrics.Core.Retention;
using Metrics.Storage.Retention;
using Microsoft.Extensions.Options;

namespace Metrics.Functions.Ingest;

/// <summary>
/// Sorts a batch's events against the acceptance window. A batch holding late events (<see cref="LateEvents"/>) is
/// read again against the hours the nightly run has finalised too, so such an event is refused with a reason rather
/// than stored where no rollup will ever count it. Live traffic is read once and costs no storage call.
/// </summary>
public sealed class BatchAcceptance(FinalizedHours finalizedHours, IOptions<RetentionOptions> retention)
{
    public async Task<IngestBatch<T>> ReadAsync<T>(string kind, JsonElement events, DateTimeOffset now,
        Func<AcceptanceWindow, Func<JsonElement, EventRead<T>>> readerIn, CancellationToken cancellationToken)
        where T : class, IIngestedEvent
    {
        var window = AcceptanceWindow.At(now, retention.Value.RawDays);
        var batch = IngestBatch<T>.Read(events, readerIn(window));
        if (!LateEvents.AnyIn(batch.Accepted.Select(e => e.Timestamp), now)) return batch;
        var boundary = await finalizedHours.BoundaryAsync(kind, cancellationToken).ConfigureAwait(false);
        return IngestBatch<T>.Read(events, readerIn(window.ExceptFinalisedBefore(boundary)));
    }
}
