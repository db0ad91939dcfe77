namespace Metrics.Core.Exports;

/// <summary>An export as asked for, before validation: every field as the caller sent it.</summary>
/// <param name="Month">For a finance-month export: the closed UTC month, <c>yyyy-MM</c>.</param>
/// <param name="Org">For a breakdown or finance export: only this organisation's requests.</param>
public sealed record ExportRequest(string? Kind, string? By = null, string? From = null, string? To = null, string? Range = null, string? Service = null,
    string? Month = null, string? Org = null);
