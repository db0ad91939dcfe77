namespace Metrics.Rollups.Tables;

/// <summary>The rows of an hour partition besides its settled rows (<see cref="PartialRows"/>).</summary>
public enum PartialRowKind
{
    /// <summary>The hour's coverage row: partials received before its time are in a pack or the settled rows.</summary>
    Coverage,
    /// <summary>What one ingestion write added to the hour.</summary>
    Partial,
    /// <summary>A rewrite of the hour's pack: partials gathered by compaction.</summary>
    Packed,
}
