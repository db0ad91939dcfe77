namespace Metrics.Core.Ingestion.Otlp;

/// <summary>
/// What an <c>ExportTraceServiceResponse</c> says: how many spans were rejected and, for people, why, or a warning (spans
/// ignored) with none rejected, as the OTLP specification's <c>partial_success</c> allows. Nothing to say is full success.
/// </summary>
public sealed record ExportAnswer(long RejectedSpans, string Message)
{
    public static readonly ExportAnswer FullSuccess = new(0, "");

    public bool IsFullSuccess => RejectedSpans == 0 && Message.Length == 0;

    /// <summary>
    /// The answer to an export whose server spans were stored but for <paramref name="rejected"/>: their count and the first
    /// reasons, and how many spans of other kinds were ignored, so a team reading its exporter's log knows what was counted.
    /// </summary>
    public static ExportAnswer For(TraceExport export, IReadOnlyList<Rejection> rejected)
    {
        var parts = new List<string>();
        if (rejected.Count > 0)
            parts.Add($"{rejected.Count} of {export.ServerSpans} server spans rejected: " + string.Join("; ", rejected.Take(3).Select(r => r.Reason)) +
                (rejected.Count > 3 ? $"; and {rejected.Count - 3} more" : ""));
        var ignored = export.Spans.Count - export.ServerSpans;
        if (ignored > 0) parts.Add($"{ignored} spans of other kinds than SERVER ignored: only a server span is a request a service served");
        return parts.Count == 0 ? FullSuccess : new ExportAnswer(rejected.Count, string.Join(". ", parts) + ".");
    }
}
