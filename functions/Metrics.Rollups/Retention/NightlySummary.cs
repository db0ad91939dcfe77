namespace Metrics.Rollups.Retention;

/// <summary>What a nightly run did and found; returned as the timer's ReturnValue and logged in one line.</summary>
/// <param name="RawRowsDeleted">Rows of the raw day tables deleted whole, as the rollups count their events, plus rows swept
/// one by one from the legacy single table.</param>
/// <param name="RawRows">Estimated (<see cref="StorageEstimate"/>), as are <paramref name="RollupRows"/>, <paramref name="TotalRows"/> and <paramref name="StoredGb"/>.</param>
/// <param name="MonthlyCost">What <paramref name="StoredGb"/> costs a month at <see cref="AlertOptions.PricePerGbMonth"/> (US dollars).</param>
/// <param name="RowBudget">The legacy row budget, when configured.</param>
public sealed record NightlySummary(
    string Status,
    int HoursFinalized,
    long RawRowsRead,
    int RollupRowsWritten,
    long RawRowsDeleted,
    int RawTablesDeleted,
    long RollupRowsDeleted,
    long AuditRowsDeleted,
    long EndpointRowsDeleted,
    int ExportsDeleted,
    long RawRows,
    long RollupRows,
    long TotalRows,
    long? GrowthSinceLastRun,
    double StoredGb,
    double StorageBudgetGb,
    double MonthlyCost,
    long? RowBudget,
    string? Alert,
    bool RolledUpEarly,
    double DurationSeconds)
{
    public const string Completed = "completed";
    public const string AlreadyRunning = "already running";
    public const string Warning = "warning";
    public const string OverBudget = "alert";

    public static NightlySummary Skipped(AlertOptions alerts) =>
        new(AlreadyRunning, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, 0, alerts.StorageBudgetGb, 0, alerts.RowBudget, null, false, 0);
}
