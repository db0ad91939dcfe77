namespace Metrics.Rollups.Compaction;

/// <summary>What one compaction did.</summary>
/// <param name="RollupRowsRead">Partial and settled rollup rows read: by folds, and by merges of days and weeks.</param>
/// <param name="HoursMerged">Family hours whose packed partials were merged into their settled rows.</param>
/// <param name="AlreadyRunning">Another run held the compaction lock: this one changed nothing.</param>
public sealed record CompactionSummary(int HoursCompacted, int DaysCompacted, long RawRowsRead, long PartialsFolded, long RollupRowsRead, int RowsWritten,
    int RowsDeleted, int HoursStillDirty, int HoursMerged = 0, bool AlreadyRunning = false)
{
    public static readonly CompactionSummary None = new(0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>What a run that found another holding the lock did: nothing.</summary>
    public static readonly CompactionSummary AnotherRunHolds = None with { AlreadyRunning = true };

    public CompactionSummary Plus(CompactionSummary other) => new(HoursCompacted + other.HoursCompacted, DaysCompacted + other.DaysCompacted,
        RawRowsRead + other.RawRowsRead, PartialsFolded + other.PartialsFolded, RollupRowsRead + other.RollupRowsRead, RowsWritten + other.RowsWritten,
        RowsDeleted + other.RowsDeleted, HoursStillDirty + other.HoursStillDirty, HoursMerged + other.HoursMerged);
}
