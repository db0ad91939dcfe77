using Metrics.Core.Rollups;

namespace Metrics.Rollups.Tables;

/// <summary>A rollup row as read back: its partition (time bucket), dimension key and cell.</summary>
internal sealed record RollupRow<TCell>(string PartitionKey, RollupKey Key, TCell Cell);
