using System.Text.Json.Nodes;
using Metrics.Functions.Tests.Ingest;

namespace Metrics.Functions.Tests.Nightly;

/// <summary>A usage event from a signed-in user (so its visitor id is stable across apps and days).</summary>
/// <param name="Name">The feature, button or form the event names (the usage names family), if any.</param>
internal sealed record SentUsage(string Id, DateTimeOffset At, string Type, string Page, string UserId, string? Name = null)
{
    public JsonObject ToJson() => Batches.UsageJson(Id, Type, At, Page, Name, userId: UserId, sessionId: $"s-{UserId}");
}
