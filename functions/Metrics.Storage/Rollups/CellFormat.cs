using Azure.Data.Tables;
using Metrics.Core.Ingestion;
using Metrics.Core.Rollups;
using Metrics.Storage.Raw;

namespace Metrics.Storage.Rollups;

/// <summary>
/// Everything the rollup machinery needs to know about one kind of event, so compaction and reading are
/// written once for both kinds: how raw rows add to cells, and how cells become rows and back.
/// </summary>
public sealed record CellFormat<TCell>(
    string Kind,
    Action<Dictionary<RollupKey, TCell>, TableEntity> AddRawRow,
    Func<string, RollupKey, TCell, TableEntity> ToRow,
    Func<TableEntity, TCell> FromRow,
    Action<TCell, TCell> Merge)
    where TCell : new();

public static class CellFormats
{
    public static readonly CellFormat<RequestCell> Requests = new(EventKinds.Requests,
        static (cells, row) => HourRollup.Add(cells, RawEntities.ToRequestEvent(row)), RollupEntities.From, RollupEntities.ToRequestCell,
        static (total, cell) => total.Merge(cell));

    public static readonly CellFormat<UsageCell> Usage = new(EventKinds.Usage,
        static (cells, row) => HourRollup.Add(cells, RawEntities.ToUsageEvent(row)), RollupEntities.From, RollupEntities.ToUsageCell,
        static (total, cell) => total.Merge(cell));
}
