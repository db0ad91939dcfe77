using System.Text.Json.Nodes;
using Metrics.Functions.Tests.Ingest;

namespace Metrics.Functions.Tests.Queries;

/// <summary>One request metric exactly as it was sent, and what ingestion is expected to make of it.</summary>
/// <param name="Path">The endpoint as sent: a raw URL, a path with ids, or already a template.</param>
/// <param name="Endpoint">The route template <paramref name="Path"/> normalises to.</param>
/// <param name="Invocation">"sync", "async" or null (not sent: counts as sync).</param>
internal sealed record SentRequest(string Service, string Id, DateTimeOffset Timestamp, string Path, string Endpoint, string Method,
    int Status, double DurationMs, string? UserId, string? OrgId, string? Country, string? Invocation, string? Model, long Units,
    double CpuMs, double GpuMs)
{
    public bool IsClientError => Status is >= 400 and < 500;
    public bool IsServerError => Status >= 500;
    public bool IsAsync => Invocation == "async";

    /// <summary>Countries are sent in either case; ingestion keeps ISO codes upper case.</summary>
    public string? CountryCode => Country?.ToUpperInvariant();

    public JsonObject ToJson() => Batches.RequestJson(Id, Timestamp, Path, Method, Status, DurationMs, UserId, OrgId, Country, Invocation, Model, Units, CpuMs,
        GpuMs != 0 || Model is not null ? GpuMs : null);
}
