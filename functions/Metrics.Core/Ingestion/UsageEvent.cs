namespace Metrics.Core.Ingestion;

/// <summary>One browser beacon, as accepted by ingestion. Carries no IP address, ever.</summary>
/// <param name="VisitorId">The signed-in user id, or a daily-salted hash for anonymous visitors.</param>
/// <param name="Properties">Small flat map, kept as its JSON text.</param>
public sealed record UsageEvent(
    string Id,
    string Site,
    string Type,
    DateTimeOffset Timestamp,
    string? Page,
    string? Name,
    string? ElementId,
    string? UserId,
    string VisitorId,
    string? SessionId,
    string? Country,
    string? Properties) : IIngestedEvent
{
    public bool IsAnonymous => UserId is null;
}
