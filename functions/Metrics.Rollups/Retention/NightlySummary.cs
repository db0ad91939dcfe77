namespace Metrics.Rollups.Retention;

/// <summary>What a nightly run did and found; returned as the timer's ReturnValue and logged in one line.</summary>
public sealed record NightlySummary(
    string Status,
    int HoursFinalized,
    long RawRowsRead,
    int RollupRowsWritten,
    long RawRowsDeleted,
    long RollupRowsDeleted,
    long AuditRowsDeleted,
    long EndpointRowsDeleted,
    int ExportsDeleted,
    long RawRows,
    long RollupRows,
    long TotalRows,
    long? GrowthSinceLastRun,
    long RowBudget,
    string? Alert,
    bool RolledUpEarly,
    double DurationSeconds)
{
    public const string Completed = "completed";
    public const string AlreadyRunning = "already running";
    public const string Warning = "warning";
    public const string OverBudget = "alert";

    public static NightlySummary Skipped(long rowBudget) => new(AlreadyRunning, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, rowBudget, null, false, 0);
}
