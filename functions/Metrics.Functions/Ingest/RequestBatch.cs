using System.ComponentModel;

namespace Metrics.Functions.Ingest;

// The bodies of the ingestion functions as the OpenAPI document shows them. The functions read the JSON themselves
// (BatchEnvelope, RequestEventReader, UsageEventReader), field by field, so that one bad event is rejected with its
// reason and the rest of the batch is kept; these records only describe it.

/// <summary>The body of <c>POST /api/ingest/requests</c>.</summary>
public sealed record RequestBatch(
    [property: Description("The sending service: 1 to 64 letters, digits, '.', '_' or '-'.")] string Service,
    [property: Description("1 to 1,000 events.")] IReadOnlyList<RequestEventShape> Events);
