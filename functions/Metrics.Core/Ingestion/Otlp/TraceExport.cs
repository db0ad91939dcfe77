namespace Metrics.Core.Ingestion.Otlp;

/// <summary>The spans of one <c>ExportTraceServiceRequest</c>, across its resources and scopes, in the order sent.</summary>
public sealed record TraceExport(IReadOnlyList<ExportedSpan> Spans)
{
    public int ServerSpans => Spans.Count(span => span.Kind == SpanKind.Server);
}

/// <summary>A body decoded: the export, or why it is not one (a sentence for the 400's detail).</summary>
public readonly record struct TraceDecode(TraceExport? Export, string? Problem)
{
    public static TraceDecode Of(TraceExport export) => new(export, null);
    public static TraceDecode Failed(string problem) => new(null, problem);
}
