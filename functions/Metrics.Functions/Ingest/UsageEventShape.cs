using System.ComponentModel;

namespace Metrics.Functions.Ingest;

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
