namespace Metrics.Core.Ingestion.Otlp;

/// <summary>
/// What ingestion reads of one span of an OTLP trace export, whichever its encoding. Ids are lower-case hex as they came
/// (their length and value are checked by <see cref="ServerSpans"/>, which owns what makes a span usable); times are
/// nanoseconds since the Unix epoch.
/// </summary>
public sealed record ExportedSpan(string TraceId, string SpanId, SpanKind Kind, ulong StartTimeUnixNano, ulong EndTimeUnixNano,
    SpanAttributes Attributes, SpanAttributes Resource);
