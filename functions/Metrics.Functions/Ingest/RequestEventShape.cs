using System.ComponentModel;

namespace Metrics.Functions.Ingest;

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
