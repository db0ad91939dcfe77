using System.Text.Json.Nodes;
using Metrics.Functions.Tests.Ingest;

namespace Metrics.Functions.Tests.Nightly;

/// <summary>A request event as a service sends it, kept so tests can compute exact answers.</summary>
internal sealed record SentRequest(string Id, string Service, DateTimeOffset At, string Endpoint, int Status, double DurationMs,
    string UserId, string OrgId, string Country, bool Async, string Model, long Units, double CpuMs)
{
    public JsonObject ToJson() =>
        Batches.RequestJson(Id, At, Endpoint, "GET", Status, DurationMs, UserId, OrgId, Country, Async ? "async" : "sync", Model, Units, CpuMs, 0);
}
