using Azure.Data.Tables;

namespace Metrics.Rollups.Tables;

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
    /// <summary>Column names of the packed cells: <c>P0</c>, <c>P1</c>, …</summary>
    public static readonly IReadOnlyList<string> Columns = PackedColumns.Names(ColumnPrefix, MaxColumns);

    /// <summary>The coverage row's column: every partial received before it is in a packed or settled row.</summary>
    public const string CoveredTo = "CoveredTo";

    /// <summary>
    /// The coverage row's column saying that packs started at or before it are merged, or being merged, into the settled
    /// rows: nothing is added to them again (their cells would then count twice, once in the settled rows).
    /// </summary>
    public const string SealedSince = "SealedSince";

    private const string ColumnPrefix = "P";

    /// <summary>Fourteen full columns stay under an entity's 1 MiB with its keys.</summary>
    private const int MaxColumns = 14;

    /// <summary>Cells are packed into a row until their uncompressed bytes pass this: it fits even if nothing compresses.</summary>
    private const int MaxCellBytes = MaxColumns * PackedColumns.ColumnBytes - 4 * 1024;

    /// <summary>Whether the row is one of an hour's rows other than its settled ones: a partial, packed or coverage row.</summary>
    public static bool Is(TableEntity row) => PartialRowKey.IsPartialOrPacked(row.RowKey);

    public static bool IsPacked(TableEntity row) => row.RowKey.StartsWith(PartialRowKey.PackedPrefix, StringComparison.Ordinal);

    public static bool IsCoverage(TableEntity row) => row.RowKey == PartialRowKey.Coverage;

    /// <summary>When a packed row's pack was started: the same for every rewrite of it.</summary>
    public static FoldPosition PackedSinceOf(TableEntity packed) => PartialRowKey.Parse(packed.RowKey).PackedSince;

    /// <summary>
    /// The ingestion time of a partial row; of a packed row, the last time it covers, so a settled row whose
    /// <see cref="RollupEntities.FoldedTo"/> is past it holds it like any partial received then.
    /// </summary>
    public static FoldPosition ReceivedOf(TableEntity row) => PartialRowKey.Parse(row.RowKey).Received;

    /// <summary>What a coverage or packed row says is covered: partials received before it; the start of time for a partial row.</summary>
    public static FoldPosition CoveredToOf(TableEntity row) =>
        IsCoverage(row) ? new FoldPosition(row.GetInt64(CoveredTo) ?? 0) : IsPacked(row) ? ReceivedOf(row).Next : FoldPosition.Start;

    /// <summary>What the coverage row says is sealed (<see cref="SealedSince"/>); before the start of time when nothing is.</summary>
    public static FoldPosition SealedSinceOf(TableEntity? coverage) => new(coverage?.GetInt64(SealedSince) ?? -1);

    /// <summary>The coverage row saying that partials received before <paramref name="coveredTo"/> are packed or settled.</summary>
    public static TableEntity Coverage(string partitionKey, FoldPosition coveredTo, FoldPosition sealedSince) =>
        new(partitionKey, PartialRowKey.Coverage) { [CoveredTo] = coveredTo.Ticks, [SealedSince] = sealedSince.Ticks };

    /// <summary>
    /// The cells of partial and packed rows (of one hour or several) that settled rows do not hold yet: a partial's
    /// unless a packed or coverage row of its hour covers its time, a pack's unless a later rewrite of it is among the
    /// rows, and any cell unless its settled row's
    /// <see cref="RollupEntities.FoldedTo"/> is past its row's time. Coverage rows among them are read for what they cover.
    /// </summary>
    /// <param name="foldedTo">A settled row's fold position, by partition and RowKey; the start of time for none.</param>
    /// <param name="cellsOf">A row's cells, when the rows were read without them (<see cref="PartialRowCache"/>); else unpacked from the row.</param>
    public static IEnumerable<TableEntity> Pending(IReadOnlyCollection<TableEntity> rows, Func<string, string, FoldPosition> foldedTo,
        Func<TableEntity, IEnumerable<TableEntity>>? cellsOf = null)
    {
        cellsOf ??= Unpack;
        var covered = rows.GroupBy(row => row.PartitionKey).ToDictionary(hour => hour.Key, hour => hour.Max(CoveredToOf), StringComparer.Ordinal);
        var latest = rows.Where(IsPacked).GroupBy(row => (row.PartitionKey, PackedSinceOf(row))).ToDictionary(pack => pack.Key, pack => pack.Max(ReceivedOf));
        foreach (var row in rows)
        {
            if (IsCoverage(row)) continue;
            var received = ReceivedOf(row);
            if (IsPacked(row) ? received < latest[(row.PartitionKey, PackedSinceOf(row))] : received < covered[row.PartitionKey]) continue;
            foreach (var cell in cellsOf(row))
                if (received >= foldedTo(cell.PartitionKey, cell.RowKey)) yield return cell;
        }
    }

    /// <summary>The partial rows of one write: <paramref name="cells"/> are settled-row shaped entities of one partition.</summary>
    public static List<TableEntity> Pack(string partitionKey, FoldPosition received, Guid writeId, IEnumerable<TableEntity> cells) =>
        Pack(partitionKey, cells, part => PartialRowKey.Partial(received, writeId, part));

    /// <summary>The rows of a pack started at <paramref name="since"/> covering partials received before <paramref name="coveredTo"/>.</summary>
    public static List<TableEntity> PackCovering(string partitionKey, FoldPosition since, FoldPosition coveredTo, IEnumerable<TableEntity> cells) =>
        Pack(partitionKey, cells, part => PartialRowKey.Packed(since, coveredTo, part));

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
    public static List<TableEntity> Unpack(TableEntity partial) => PackedColumns.Read(partial, ColumnPrefix, partial.PartitionKey);

    /// <summary>The compressed bytes of a partial or packed row's cells.</summary>
    public static long PackedBytesOf(TableEntity row) => PackedColumns.BytesOf(row, ColumnPrefix);

    private static TableEntity Row(string partitionKey, string rowKey, int count, MemoryStream cells)
    {
        var row = new TableEntity(partitionKey, rowKey);
        PackedColumns.Put(row, ColumnPrefix, count, cells);
        return row;
    }
}
