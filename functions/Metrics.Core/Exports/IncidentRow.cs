using Metrics.Core.Ingestion;

namespace Metrics.Core.Exports;

/// <summary>One raw request in an incident export, as the service reported it.</summary>
public sealed record IncidentRow(string Id, string Service, DateTimeOffset Timestamp, string Endpoint, string Method, int Status,
    double DurationMs, string? UserId, string? OrgId, string? Country, string Invocation, string? Model, long Units, double CpuMs, double GpuMs)
{
    public static IncidentRow Of(RequestEvent e) => new(e.Id, e.Service, e.Timestamp, e.Endpoint, e.Method, e.Status, e.DurationMs,
        e.UserId, e.OrgId, e.Country, e.Invocation == Ingestion.Invocation.Async ? "async" : "sync", e.Model, e.Units, e.CpuMs, e.GpuMs);
}
