namespace Metrics.Core.Ingestion;

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
