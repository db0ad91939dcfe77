using System.IO.Compression;
using Azure.Data.Tables;

namespace Metrics.Storage.Rollups;

/// <summary>
/// Partial rows: what one ingestion write adds to one family's hour, every key of it packed into one row, beside the
/// hour's settled rows, until compaction folds it into them. One row per write rather than one per key: a batch of
/// 1,000 requests touches hundreds of user and org keys, and every row is a request's worth of work for the store on
/// the way in and again for every query that reads the hour.
/// </summary>
/// <remarks>
/// <para>Compaction adds an hour's partials, every few seconds, to the hour's pack (packed rows, the same format) and
/// merges the pack into the settled rows every few minutes (<see cref="HourFolds"/>), so its frequent runs read the
/// seconds' partials and the pack, not the hour's settled rows. An hour partition sorts its rows so a scan meets them
/// in the order readers need: the coverage row (<c>!!</c>), partial rows (<c>!</c> and digits), packed rows
/// (<c>!~</c>), then the settled rows (hex). A partial row counts unless a packed row or the coverage row covers its
/// time, or its settled row's <see cref="RollupEntities.FoldedTo"/> holds it; a packed row counts unless a later
/// rewrite of its pack is there too, or that settled row holds it (see <see cref="Pending"/>).</para>
/// A row holds its cells as the settled rows they would be (<see cref="RollupEntities"/>' columns), compressed and cut
/// into binary columns of at most 64 KiB; a write past <see cref="MaxCellBytes"/> gets more rows, each readable alone, so
/// a fold that stopped between deletes never leaves half a row behind.
/// </remarks>
public static class PartialRows
{
    /// <summary><c>!</c> sorts before the settled rows' hex keys: a partition scan reads an hour's partials first.</summary>
    public const char Prefix = '!';

    /// <summary>Column names of the packed cells: <c>P0</c>, <c>P1</c>, …</summary>
    public static readonly IReadOnlyList<string> Columns = Enumerable.Range(0, MaxColumns).Select(i => $"P{i}").ToArray();

    /// <summary>A binary property holds at most 64 KiB.</summary>
    private const int ColumnBytes = 64 * 1024;

    /// <summary>Fourteen full columns stay under an entity's 1 MiB with its keys.</summary>
    private const int MaxColumns = 14;

    /// <summary>Cells are packed into a row until their uncompressed bytes pass this: it fits even if nothing compresses.</summary>
    private const int MaxCellBytes = MaxColumns * ColumnBytes - 4 * 1024;

    /// <summary>
    /// <c>!{received ticks}-{write id}-{part}</c>: the time orders partials against a settled row's
    /// <see cref="RollupEntities.FoldedTo"/>; the write id keeps two writes in the same tick apart; a retried write
    /// lands on its own keys again.
    /// </summary>
    public static string RowKey(long receivedTicks, Guid writeId, int part) => $"{Prefix}{receivedTicks:D19}-{writeId:N}-{part:D4}";

    /// <summary>Whether the row is one of an hour's rows other than its settled ones: a partial, packed or coverage row.</summary>
    public static bool Is(TableEntity row) => row.RowKey.Length > 0 && row.RowKey[0] == Prefix;

    /// <summary>
    /// <c>!~{since}-{last received ticks}-{part}</c>: after every partial row, whose times are digits. A pack is
    /// rewritten at every run with the new partials added (<c>since</c>, the time it was started, stays): of the packs of
    /// one <c>since</c> a reader may meet while one replaces another, only the one covering the latest time counts.
    /// </summary>
    public const string PackedPrefix = "!~";

    /// <summary>
    /// The hour's coverage row: every partial received before its <see cref="CoveredTo"/> is in a packed or settled row
    /// (and may be left over from a pack that stopped before its deletes). Before every partial row, so a reader that
    /// meets a newer pack later in its scan has read an older coverage, never a newer one than the packs it saw.
    /// </summary>
    public const string CoverageKey = "!!coverage";

    public const string CoveredTo = "CoveredTo";

    /// <summary>
    /// The coverage row's column saying that packs started at or before it are merged, or being merged, into the settled
    /// rows: nothing is added to them again (their cells would then count twice, once in the settled rows).
    /// </summary>
    public const string SealedSince = "SealedSince";

    public static string PackedRowKey(long since, long coveredTo, int part) => $"{PackedPrefix}{since:D19}-{coveredTo - 1:D19}-{part:D4}";

    /// <summary>When a packed row's pack was started (UTC ticks): the same for every rewrite of it.</summary>
    public static long PackedSinceOf(TableEntity packed) => long.Parse(packed.RowKey.AsSpan(2, 19), System.Globalization.CultureInfo.InvariantCulture);

    public static bool IsPacked(TableEntity row) => row.RowKey.StartsWith(PackedPrefix, StringComparison.Ordinal);

    public static bool IsCoverage(TableEntity row) => row.RowKey == CoverageKey;

    /// <summary>
    /// The ingestion time (UTC ticks) of a partial row; of a packed row, the last time it covers, so a settled row
    /// whose <see cref="RollupEntities.FoldedTo"/> is past it holds it like any partial received then.
    /// </summary>
    public static long ReceivedTicksOf(TableEntity partial) =>
        long.Parse(partial.RowKey.AsSpan(IsPacked(partial) ? 22 : 1, 19), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>What a coverage or packed row says is covered: partials received before it (UTC ticks); 0 for a partial row.</summary>
    public static long CoveredToOf(TableEntity row) =>
        IsCoverage(row) ? row.GetInt64(CoveredTo) ?? 0 : IsPacked(row) ? ReceivedTicksOf(row) + 1 : 0;

    /// <summary>
    /// The cells of partial and packed rows (of one hour or several) that settled rows do not hold yet: a partial's
    /// unless a packed or coverage row of its hour covers its time, a pack's unless a later rewrite of it is among the
    /// rows, and any cell unless its settled row's
    /// <see cref="RollupEntities.FoldedTo"/> is past its row's time. Coverage rows among them are read for what they cover.
    /// </summary>
    /// <param name="foldedTo">A settled row's FoldedTo, by partition and RowKey; 0 for none.</param>
    /// <param name="cellsOf">A row's cells, when the rows were read without them (<see cref="PartialRowCache"/>); else unpacked from the row.</param>
    public static IEnumerable<TableEntity> Pending(IReadOnlyCollection<TableEntity> rows, Func<string, string, long> foldedTo,
        Func<TableEntity, IEnumerable<TableEntity>>? cellsOf = null)
    {
        cellsOf ??= Unpack;
        var covered = rows.GroupBy(row => row.PartitionKey).ToDictionary(hour => hour.Key, hour => hour.Max(CoveredToOf), StringComparer.Ordinal);
        var latest = rows.Where(IsPacked).GroupBy(row => (row.PartitionKey, PackedSinceOf(row))).ToDictionary(pack => pack.Key, pack => pack.Max(ReceivedTicksOf));
        foreach (var row in rows)
        {
            if (IsCoverage(row)) continue;
            var received = ReceivedTicksOf(row);
            if (IsPacked(row) ? received < latest[(row.PartitionKey, PackedSinceOf(row))] : received < covered[row.PartitionKey]) continue;
            foreach (var cell in cellsOf(row))
                if (received >= foldedTo(cell.PartitionKey, cell.RowKey)) yield return cell;
        }
    }

    /// <summary>The partial rows of one write: <paramref name="cells"/> are settled-row shaped entities of one partition.</summary>
    public static List<TableEntity> Pack(string partitionKey, long receivedTicks, Guid writeId, IEnumerable<TableEntity> cells) =>
        Pack(partitionKey, cells, part => RowKey(receivedTicks, writeId, part));

    /// <summary>The rows of a pack started at <paramref name="since"/> covering partials received before <paramref name="coveredTo"/> (UTC ticks).</summary>
    public static List<TableEntity> PackCovering(string partitionKey, long since, long coveredTo, IEnumerable<TableEntity> cells) =>
        Pack(partitionKey, cells, part => PackedRowKey(since, coveredTo, part));

    private static List<TableEntity> Pack(string partitionKey, IEnumerable<TableEntity> cells, Func<int, string> rowKey)
    {
        var rows = new List<TableEntity>();
        using var buffer = new MemoryStream();
        var writer = new BinaryWriter(buffer);
        var count = 0;
        foreach (var cell in cells)
        {
            CellCodec.Write(writer, cell);
            count++;
            if (buffer.Length < MaxCellBytes) continue;
            rows.Add(Row(partitionKey, rowKey(rows.Count), count, buffer));
            (count, buffer.Position) = (0, 0);
            buffer.SetLength(0);
        }
        if (count > 0) rows.Add(Row(partitionKey, rowKey(rows.Count), count, buffer));
        return rows;
    }

    /// <summary>The cells of a partial row, each as its settled row (its RowKey the settled row's), without a FoldedTo.</summary>
    public static List<TableEntity> Unpack(TableEntity partial)
    {
        using var packed = new MemoryStream();
        foreach (var column in Columns)
            if (partial.GetBinary(column) is { } bytes) packed.Write(bytes);
            else break;
        packed.Position = 0;
        using var inflated = new ZLibStream(packed, CompressionMode.Decompress);
        using var reader = new BinaryReader(inflated);
        var count = reader.ReadInt32();
        var cells = new List<TableEntity>(count);
        for (var i = 0; i < count; i++) cells.Add(CellCodec.Read(reader, partial.PartitionKey));
        return cells;
    }

    /// <summary>The compressed bytes of a partial or packed row's cells.</summary>
    public static long PackedBytesOf(TableEntity row) => Columns.Sum(column => (long?)row.GetBinary(column)?.Length ?? 0);

    private static TableEntity Row(string partitionKey, string rowKey, int count, MemoryStream cells)
    {
        using var packed = new MemoryStream();
        using (var deflated = new BinaryWriter(new ZLibStream(packed, CompressionLevel.Fastest, leaveOpen: true)))
        {
            deflated.Write(count);
            deflated.Write(cells.GetBuffer(), 0, (int)cells.Length);
        }
        var row = new TableEntity(partitionKey, rowKey);
        var bytes = packed.GetBuffer().AsMemory(0, (int)packed.Length);
        for (var i = 0; i * ColumnBytes < bytes.Length; i++)
            row[Columns[i]] = bytes.Slice(i * ColumnBytes, Math.Min(ColumnBytes, bytes.Length - i * ColumnBytes)).ToArray();
        return row;
    }
}
