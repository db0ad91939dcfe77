namespace Metrics.Core.Ingestion;

/// <summary>One request a service handled, as accepted by ingestion.</summary>
/// <param name="Id">Idempotency key, unique within <paramref name="Service"/>.</param>
/// <param name="Endpoint">Route template (<c>/orders/{id}</c>), never a raw URL.</param>
public sealed record RequestEvent(
    string Id,
    string Service,
    DateTimeOffset Timestamp,
    string Endpoint,
    string Method,
    int Status,
    double DurationMs,
    string? UserId,
    string? OrgId,
    string? Country,
    Invocation Invocation,
    string? Model,
    long Units,
    double CpuMs,
    double GpuMs) : IIngestedEvent
{
    public bool IsError => Status >= 400;
}
