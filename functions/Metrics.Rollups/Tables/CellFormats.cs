using Metrics.Core.Ingestion;
using Metrics.Core.Rollups;
using Metrics.Rollups.Ingest;

namespace Metrics.Rollups.Tables;

/// <summary>The <see cref="CellFormat{TCell}"/> of each kind of event.</summary>
internal static class CellFormats
{
    public static readonly CellFormat<RequestCell> Requests = new(EventKind.Requests,
        static (cells, row) => HourRollup.Add(cells, RawEntities.ToRequestEvent(row)), RollupEntities.From, RollupEntities.ToRequestCell,
        static (total, cell) => total.Merge(cell));

    public static readonly CellFormat<UsageCell> Usage = new(EventKind.Usage,
        static (cells, row) => HourRollup.Add(cells, RawEntities.ToUsageEvent(row)), RollupEntities.From, RollupEntities.ToUsageCell,
        static (total, cell) => total.Merge(cell));
}
