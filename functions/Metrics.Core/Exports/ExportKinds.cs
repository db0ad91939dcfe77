namespace Metrics.Core.Exports;

/// <summary>The exports finance can ask for (docs/api.md, "Exports").</summary>
public static class ExportKinds
{
    public const string Breakdown = "breakdown";
    public const string FinanceMonthToDate = "finance-mtd";
    public const string FinanceMonth = "finance-month";
    public const string Incident = "incident";

    public static readonly IReadOnlyList<string> All = [Breakdown, FinanceMonthToDate, FinanceMonth, Incident];
}
