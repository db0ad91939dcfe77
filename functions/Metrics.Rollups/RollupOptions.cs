using System.ComponentModel.DataAnnotations;

namespace Metrics.Rollups;

/// <summary>
/// How the engine lays out and folds its rows: keys <c>Storage__Shards</c>, <c>Storage__FoldDelay</c> and
/// <c>Storage__MergeEvery</c> of section <c>Storage</c> (docs/api.md, "Configuration"), whose connection keys the
/// storage account reads.
/// </summary>
public sealed class RollupOptions
{
    public const int DefaultShards = 8;

    /// <summary>Shards per hour of raw rows (see <c>HourBucket</c>); changing it re-homes new rows only.</summary>
    [Range(1, 99)]
    public int Shards { get; set; } = DefaultShards;

    /// <summary>
    /// How old a batch's partial rollups must be before compaction folds them into their hour. A partial whose write
    /// took longer than half of it is not trusted to be seen by a fold: ingestion then has its hour recomputed from raw
    /// rows instead. Tests whose clock stands still set it to zero.
    /// </summary>
    public TimeSpan FoldDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long an hour's packed partials gather before compaction merges them into its settled rows (an hour that is
    /// over is merged at once). Packing reads only the partials since the last run; a merge reads the hour's settled rows.
    /// </summary>
    public TimeSpan MergeEvery { get; set; } = TimeSpan.FromMinutes(5);
}
