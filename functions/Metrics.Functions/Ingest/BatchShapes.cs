using System.ComponentModel;

namespace Metrics.Functions.Ingest;

// The bodies of the ingestion functions as the OpenAPI document shows them. The functions read the JSON themselves
// (BatchEnvelope, RequestEventReader, UsageEventReader), field by field, so that one bad event is rejected with its
// reason and the rest of the batch is kept; these records only describe it.

/// <summary>The body of <c>POST /api/ingest/requests</c>.</summary>
public sealed record RequestBatch(
    [property: Description("The sending service: 1 to 64 letters, digits, '.', '_' or '-'.")] string Service,
    [property: Description("1 to 1,000 events.")] IReadOnlyList<RequestEventShape> Events);

/// <summary>One request a service served.</summary>
public sealed record RequestEventShape(
    [property: Description("Idempotency key, up to 128 characters; derived from the event's content when absent.")] string? Id,
    [property: Description("When the request was served (ISO-8601); within retention and at most a few minutes ahead.")] DateTimeOffset Timestamp,
    [property: Description("Route template or raw path, up to 512 characters; raw paths are normalised to templates.")] string Endpoint,
    [property: Description("HTTP method.")] string Method,
    [property: Description("HTTP status, 100 to 599.")] int Status,
    [property: Description("Time to answer in milliseconds, 0 to 3,600,000.")] double DurationMs,
    string? UserId,
    string? OrgId,
    [property: Description("ISO 3166-1 alpha-2 country code.")] string? Country,
    [property: Description("sync (default) or async.")] string? Invocation,
    string? Model,
    [property: Description("Cost units the request used (priced per model).")] long? Units,
    double? CpuMs,
    double? GpuMs);

/// <summary>The body of <c>POST /api/ingest/usage</c>.</summary>
public sealed record UsageBatch(
    [property: Description("A configured site key; the request's Origin must be allowed for it.")] string Site,
    [property: Description("1 to 1,000 events.")] IReadOnlyList<UsageEventShape> Events);

/// <summary>One thing a visitor did on a page.</summary>
public sealed record UsageEventShape(
    string? Id,
    [property: Description("page_view, button_click, form_submit, feature_use or custom.")] string Type,
    DateTimeOffset Timestamp,
    string? Page,
    [property: Description("The button, form or feature.")] string? Name,
    string? ElementId,
    string? UserId,
    string? SessionId,
    IReadOnlyDictionary<string, string>? Properties);
