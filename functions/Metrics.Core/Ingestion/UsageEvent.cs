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

/// <summary>The beacon types docs/api.md allows.</summary>
public static class UsageEventTypes
{
    public const string PageView = "page_view";
    public const string ButtonClick = "button_click";
    public const string FormSubmit = "form_submit";
    public const string FeatureUse = "feature_use";
    public const string Custom = "custom";

    public static readonly IReadOnlySet<string> All =
        new HashSet<string>(StringComparer.Ordinal) { PageView, ButtonClick, FormSubmit, FeatureUse, Custom };
}
