using Metrics.Core.Ingestion;

namespace Metrics.Core.Rollups;

/// <summary>
/// The rollups of one hour as a pure function of that hour's raw events: every family's rows at once.
/// Recomputing an hour from the same raw rows always gives the same rollups (idempotent, retry-safe).
/// Events are added one at a time so a busy hour is aggregated while it streams, never held whole.
/// </summary>
public static class HourRollup
{
    public static Dictionary<RollupKey, RequestCell> Of(IEnumerable<RequestEvent> events)
    {
        var cells = new Dictionary<RollupKey, RequestCell>();
        foreach (var e in events) Add(cells, e);
        return cells;
    }

    public static Dictionary<RollupKey, UsageCell> Of(IEnumerable<UsageEvent> events)
    {
        var cells = new Dictionary<RollupKey, UsageCell>();
        foreach (var e in events) Add(cells, e);
        return cells;
    }

    public static void Add(Dictionary<RollupKey, RequestCell> cells, RequestEvent e)
    {
        foreach (var key in Families.KeysOf(e)) cells.CellOf(key).Add(e);
    }

    public static void Add(Dictionary<RollupKey, UsageCell> cells, UsageEvent e)
    {
        foreach (var key in Families.KeysOf(e)) cells.CellOf(key).Add(e);
    }

    /// <summary>Merges rows with the same key, e.g. the 24 hours of a day into the day's rows.</summary>
    public static Dictionary<RollupKey, TCell> Merge<TCell>(IEnumerable<KeyValuePair<RollupKey, TCell>> rows, Action<TCell, TCell> merge)
        where TCell : new()
    {
        var merged = new Dictionary<RollupKey, TCell>();
        foreach (var (key, cell) in rows) merge(merged.CellOf(key), cell);
        return merged;
    }
}
