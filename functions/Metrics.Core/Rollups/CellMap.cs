using System.Runtime.InteropServices;

namespace Metrics.Core.Rollups;

/// <summary>Cells by key: the one way a cell is found, or started empty, before something is added to it.</summary>
public static class CellMap
{
    public static TCell CellOf<TKey, TCell>(this Dictionary<TKey, TCell> cells, TKey key) where TKey : notnull where TCell : new()
    {
        ref var cell = ref CollectionsMarshal.GetValueRefOrAddDefault(cells, key, out var exists);
        if (!exists) cell = new TCell();
        return cell!;
    }
}
