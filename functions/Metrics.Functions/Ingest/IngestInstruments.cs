using System.Diagnostics;
using System.Diagnostics.Metrics;
using Metrics.Core.Ingestion;
using Metrics.Functions.Operations.Telemetry;
using Metrics.Rollups.Ingest;

namespace Metrics.Functions.Ingest;

/// <summary>
/// What ingestion did with the events it was sent (docs/operations.md): accepted, duplicate (stored already), rejected
/// by reason, bots; and accepted request events folded into <c>{other}</c> because their service was past its endpoints
/// for the day. A reason is its <see cref="RejectionCode"/>'s name, a fixed vocabulary: rejection texts quote the
/// sender's field names, which must never become label values.
/// </summary>
public sealed class IngestInstruments
{
    private readonly Counter<long> _events;
    private readonly Counter<long> _overflow;

    public IngestInstruments(IMeterFactory meters)
    {
        var meter = meters.Create(ServiceInstruments.Name);
        _events = meter.CreateCounter<long>("metrics_ingest_events", "{event}",
            "Events sent to ingestion, by kind (requests, usage), outcome (accepted, duplicate, rejected, bot, ignored) and rejection reason.");
        _overflow = meter.CreateCounter<long>("metrics_ingest_endpoint_overflow", "{event}",
            "Accepted request events counted under {other}: their service was past its distinct endpoints for the day.");
    }

    /// <summary>A batch the engine took. One it did not acknowledge (hours finalised meanwhile) counts nothing: it is sent again.</summary>
    public void Count(EventKind kind, WriteOutcome outcome)
    {
        switch (outcome)
        {
            case WriteOutcome.Stored stored:
                Add(kind, "accepted", "", stored.Accepted);
                Add(kind, "duplicate", "", stored.Duplicates);
                CountRejected(kind, stored.Rejected);
                if (stored.FoldedIntoOther > 0) _overflow.Add(stored.FoldedIntoOther, new KeyValuePair<string, object?>("kind", kind.Name()));
                break;
            case WriteOutcome.NothingValid nothing:
                CountRejected(kind, nothing.Rejected);
                break;
        }
    }

    public void CountBots(int events) => Add(EventKind.Usage, "bot", "", events);

    /// <summary>Spans of an OTLP export that are not requests a service served (kinds other than SERVER).</summary>
    public void CountIgnoredSpans(int spans) => Add(EventKind.Requests, "ignored", "", spans);

    private void CountRejected(EventKind kind, IReadOnlyList<Rejection> rejected)
    {
        foreach (var group in rejected.GroupBy(r => r.Code)) Add(kind, "rejected", group.Key.Name(), group.Count());
    }

    private void Add(EventKind kind, string outcome, string reason, long count)
    {
        if (count > 0) _events.Add(count, new TagList { { "kind", kind.Name() }, { "outcome", outcome }, { "reason", reason } });
    }
}
