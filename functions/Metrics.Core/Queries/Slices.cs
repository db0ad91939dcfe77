using Metrics.Core.Rollups;

namespace Metrics.Core.Queries;

/// <summary>Grouping and merging of slices, the one operation every report is built from.</summary>
public static class Slices
{
    public static Dictionary<TGroup, RequestCell> Merge<TGroup>(IEnumerable<RollupSlice<RequestCell>> slices, Func<RollupSlice<RequestCell>, TGroup> group)
        where TGroup : notnull => MergeBy(slices, group, static (total, cell) => total.Merge(cell));

    public static Dictionary<TGroup, UsageCell> Merge<TGroup>(IEnumerable<RollupSlice<UsageCell>> slices, Func<RollupSlice<UsageCell>, TGroup> group)
        where TGroup : notnull => MergeBy(slices, group, static (total, cell) => total.Merge(cell));

    public static RequestCell Total(IEnumerable<RollupSlice<RequestCell>> slices) => Merge(slices, _ => 0).GetValueOrDefault(0) ?? new RequestCell();

    public static UsageCell Total(IEnumerable<RollupSlice<UsageCell>> slices) => Merge(slices, _ => 0).GetValueOrDefault(0) ?? new UsageCell();

    private static Dictionary<TGroup, TCell> MergeBy<TCell, TGroup>(IEnumerable<RollupSlice<TCell>> slices, Func<RollupSlice<TCell>, TGroup> group,
        Action<TCell, TCell> merge) where TGroup : notnull where TCell : new()
    {
        var groups = new Dictionary<TGroup, TCell>();
        foreach (var slice in slices) merge(groups.CellOf(group(slice)), slice.Cell);
        return groups;
    }
}
