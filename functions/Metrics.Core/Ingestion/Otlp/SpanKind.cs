namespace Metrics.Core.Ingestion.Otlp;

/// <summary>OTLP's <c>Span.SpanKind</c>, with its wire numbers: only <see cref="Server"/> spans are requests a service served.</summary>
public enum SpanKind
{
    Unspecified = 0,
    Internal = 1,
    Server = 2,
    Client = 3,
    Producer = 4,
    Consumer = 5,
}
