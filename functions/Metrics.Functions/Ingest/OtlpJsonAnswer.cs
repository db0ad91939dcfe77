namespace Metrics.Functions.Ingest;

/// <summary>
/// The shape of an OTLP/JSON <c>ExportTraceServiceResponse</c>, for the OpenAPI document (Core's <c>OtlpJson</c> writes it):
/// <c>{}</c>, or its partial success with <c>rejectedSpans</c> as a decimal string, as protobuf's JSON mapping writes an int64.
/// </summary>
public sealed record OtlpJsonAnswer(OtlpPartialSuccess? PartialSuccess);

public sealed record OtlpPartialSuccess(string? RejectedSpans, string ErrorMessage);
