using System.Globalization;
using Azure.Data.Tables;

namespace Metrics.Rollups.Tables;

/// <summary>
/// The rows of a day or week partition: every cell of the family's day (or week) packed into a few rows, not a row per key.
/// Days and weeks are always written whole and read whole (<see cref="RollupStore"/>), so a key's own row buys nothing there,
/// while every row is a request's worth of work for the store, and a page of a scan holds at most 1,000 of them: at 1,000,000
/// events a month the user family's day held 1,500 rows (two pages), its pack holds them in one row.
/// </summary>
/// <remarks>
/// <para>A pack row holds its cells' measures in columns <c>P0…</c> and their distinct-count sketches (users, visitors) in
/// <c>Q0…</c>, so a read that shows no user counts (the endpoint table) leaves the sketches unread, as it did with a row
/// per key.</para>
/// <para>A partition is rewritten as a new generation of packs (RowKey <c>${generation}-{part}</c>, each saying how many
/// parts its generation has), then the older rows are deleted. A reader takes the newest generation whose parts are all
/// there, so one reading during a rewrite sees the old cells or the new, never a mix; a partition without a whole
/// generation is one written a row per key before packs (read as it is, and packed at its next rewrite).</para>
/// </remarks>
public static class SettledPacks
{
    /// <summary><c>$</c> (a RowKey may not hold <c>#</c>) sorts before the hex RowKeys of rows per key and the week's <see cref="RollupStore.WeekComplete"/>.</summary>
    private const char Prefix = '$';
    private const string Parts = "Parts";
    private const string Measures = "P", Sketches = "Q";

    /// <summary>The distinct-count sketch columns, kept apart so they can be left unread.</summary>
    private static readonly string[] DistinctCountColumns = ["Users", "Visitors"];

    /// <summary>Twelve columns of each kind: both fit an entity's 1 MiB with its keys even if nothing compresses.</summary>
    private const int MaxColumns = 12;
    private const int MaxCellBytes = MaxColumns * PackedColumns.ColumnBytes - 4 * 1024;

    /// <summary>The columns a read of packs selects; the sketches only when asked.</summary>
    public static IReadOnlyList<string> Columns(bool distinctCounts) =>
        [Parts, .. PackedColumns.Names(Measures, MaxColumns), .. distinctCounts ? PackedColumns.Names(Sketches, MaxColumns) : []];

    public static bool Is(TableEntity row) => row.RowKey.Length > 0 && row.RowKey[0] == Prefix;

    /// <summary>The next generation for a partition whose rows are <paramref name="existing"/>: after theirs, and the clock's time.</summary>
    internal static long NextGeneration(IEnumerable<TableEntity> existing) =>
        Math.Max(DateTime.UtcNow.Ticks, existing.Where(Is).Select(GenerationOf).DefaultIfEmpty(0).Max() + 1);

    /// <summary>The pack rows of one generation holding <paramref name="cells"/> (settled-row shaped entities of one partition).</summary>
    internal static List<TableEntity> Pack(string partitionKey, long generation, IEnumerable<TableEntity> cells)
    {
        var rows = new List<TableEntity>();
        using MemoryStream measures = new(), sketches = new();
        BinaryWriter measureWriter = new(measures), sketchWriter = new(sketches);
        var count = 0;
        void Flush()
        {
            var row = new TableEntity(partitionKey, string.Create(CultureInfo.InvariantCulture, $"{Prefix}{generation:D19}-{rows.Count:D4}"));
            PackedColumns.Put(row, Measures, count, measures);
            PackedColumns.Put(row, Sketches, count, sketches);
            rows.Add(row);
            count = 0;
            measures.SetLength(0);
            sketches.SetLength(0);
        }
        foreach (var cell in cells)
        {
            var measured = new TableEntity(partitionKey, cell.RowKey);
            var sketched = new TableEntity(partitionKey, cell.RowKey);
            foreach (var (name, value) in cell)
                if (name is not ("PartitionKey" or "RowKey" or "odata.etag" or "Timestamp"))
                    (DistinctCountColumns.Contains(name) ? sketched : measured)[name] = value;
            CellCodec.Write(measureWriter, measured);
            CellCodec.Write(sketchWriter, sketched);
            count++;
            if (measures.Length + sketches.Length >= MaxCellBytes) Flush();
        }
        if (count > 0) Flush();
        foreach (var row in rows) row[Parts] = rows.Count;
        return rows;
    }

    /// <summary>
    /// The cells of one partition's rows, as read: those of its newest whole generation of packs, else its rows per key.
    /// Each comes with its sketches when the rows were read with them (<see cref="Columns"/>).
    /// </summary>
    public static IEnumerable<TableEntity> Cells(IReadOnlyCollection<TableEntity> partition)
    {
        var generation = partition.Where(Is).GroupBy(GenerationOf)
            .Where(parts => parts.Count() == parts.First().GetInt32(Parts))
            .MaxBy(parts => parts.Key);
        if (generation is null)
        {
            foreach (var row in partition.Where(row => !Is(row) && row.RowKey != RollupStore.WeekComplete)) yield return row;
            yield break;
        }
        foreach (var pack in generation.OrderBy(row => row.RowKey, StringComparer.Ordinal))
        {
            var cells = PackedColumns.Read(pack, Measures, pack.PartitionKey);
            var sketches = PackedColumns.Read(pack, Sketches, pack.PartitionKey);
            for (var i = 0; i < cells.Count; i++)
            {
                if (i < sketches.Count)
                    foreach (var (name, value) in sketches[i])
                        if (DistinctCountColumns.Contains(name)) cells[i][name] = value;
                yield return cells[i];
            }
        }
    }

    private static long GenerationOf(TableEntity row) => long.Parse(row.RowKey.AsSpan(1, 19), CultureInfo.InvariantCulture);
}
