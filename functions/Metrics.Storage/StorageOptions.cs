using System.ComponentModel.DataAnnotations;

namespace Metrics.Storage;

/// <summary>Where the data lives. Bound from configuration (docs/api.md, "Configuration").</summary>
public sealed class StorageOptions
{
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";
    public const int DefaultShards = 8;

    /// <summary>A connection string; <c>UseDevelopmentStorage=true</c> means local Azurite.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>With no connection string: the account, reached with Azure.Identity (managed identity).</summary>
    public string? AccountName { get; set; }

    /// <summary>Prefixed to every table and container name; tests use it to keep their data apart.</summary>
    [RegularExpression("^[a-z0-9]{0,20}$")]
    public string Prefix { get; set; } = "";

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

    public bool UsesDevelopmentStorage =>
        AccountName is null && (ConnectionString is null || ConnectionString.Contains(DevelopmentStorage, StringComparison.OrdinalIgnoreCase));
}
