using Azure.Data.Tables;
using Metrics.Core.Ingestion;
using Metrics.Core.Rollups;

namespace Metrics.Rollups.Tables;

/// <summary>
/// Everything the engine needs to know about one kind of event, so compaction and reading are written once for both
/// kinds: how raw rows add to cells, and how cells become rows and back. Inside the engine only: its callers name a kind.
/// </summary>
internal sealed record CellFormat<TCell>(
    EventKind Kind,
    Action<Dictionary<RollupKey, TCell>, TableEntity> AddRawRow,
    Func<string, RollupKey, TCell, TableEntity> ToRow,
    Func<TableEntity, TCell> FromRow,
    Action<TCell, TCell> Merge)
    where TCell : new();
