using System.Diagnostics;
using System.Diagnostics.Metrics;
using Metrics.Core.Ingestion;
using Metrics.Functions.Operations.Telemetry;

namespace Metrics.Functions.Ingest;

/// <summary>
/// What ingestion did with the events it was sent (docs/operations.md): accepted, duplicate (stored already), rejected
/// by reason, bots; and accepted request events folded into <c>{other}</c> because their service was past its endpoints
/// for the day. A reason is a small fixed vocabulary (<see cref="ReasonOf"/>): rejection texts quote the sender's
/// field names, which must never become label values.
/// </summary>
public sealed class IngestInstruments
{
    private readonly Counter<long> _events;
    private readonly Counter<long> _overflow;

    public IngestInstruments(IMeterFactory meters)
    {
        var meter = meters.Create(ServiceInstruments.Name);
        _events = meter.CreateCounter<long>("metrics_ingest_events", "{event}",
            "Events sent to ingestion, by kind (requests, usage), outcome (accepted, duplicate, rejected, bot) and rejection reason.");
        _overflow = meter.CreateCounter<long>("metrics_ingest_endpoint_overflow", "{event}",
            "Accepted request events counted under {other}: their service was past its distinct endpoints for the day.");
    }

    public void Count<T>(string kind, IngestBatch<T> batch) where T : class, IIngestedEvent
    {
        Add(kind, "accepted", "", batch.Accepted.Count);
        Add(kind, "duplicate", "", batch.Duplicates);
        foreach (var group in batch.Rejected.GroupBy(r => ReasonOf(r.Reason))) Add(kind, "rejected", group.Key, group.Count());
    }

    /// <summary>A batch refused whole because none of its events is valid: its events are rejected all the same.</summary>
    public void CountRefused(string kind, IReadOnlyList<Rejection> rejected)
    {
        foreach (var group in rejected.GroupBy(r => ReasonOf(r.Reason))) Add(kind, "rejected", group.Key, group.Count());
    }

    public void CountBots(int events) => Add(EventKinds.Usage, "bot", "", events);

    public void CountOverflow(int events)
    {
        if (events > 0) _overflow.Add(events, new KeyValuePair<string, object?>("kind", EventKinds.Requests));
    }

    /// <summary>The reason's kind, from the fixed wording of Core's readers and acceptance window.</summary>
    public static string ReasonOf(string reason) => reason switch
    {
        _ when reason.StartsWith("timestamp", StringComparison.Ordinal) && reason.Contains("final", StringComparison.Ordinal) => "finalised_hour",
        _ when reason.StartsWith("timestamp is older", StringComparison.Ordinal) => "too_old",
        _ when reason.StartsWith("timestamp is more than", StringComparison.Ordinal) => "in_future",
        _ when reason.Contains("more than once", StringComparison.Ordinal) => "repeated_field",
        _ when reason.Contains("not valid text", StringComparison.Ordinal) => "invalid_text",
        _ when reason.Contains("control characters", StringComparison.Ordinal) => "control_characters",
        _ when reason.Contains("is required", StringComparison.Ordinal) => "missing_field",
        _ when reason.Contains("longer than", StringComparison.Ordinal) => "too_long",
        _ when reason.StartsWith("event must be", StringComparison.Ordinal) => "not_an_object",
        _ => "invalid_value",
    };

    private void Add(string kind, string outcome, string reason, long count)
    {
        if (count > 0) _events.Add(count, new TagList { { "kind", kind }, { "outcome", outcome }, { "reason", reason } });
    }
}
