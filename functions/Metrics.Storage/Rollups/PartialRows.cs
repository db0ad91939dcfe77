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

    public static bool Is(TableEntity row) => row.RowKey.Length > 0 && row.RowKey[0] == Prefix;

    /// <summary>The ingestion time (UTC ticks) of a partial row.</summary>
    public static long ReceivedTicksOf(TableEntity partial) => long.Parse(partial.RowKey.AsSpan(1, 19), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The partial rows of one write: <paramref name="cells"/> are settled-row shaped entities of one partition.</summary>
    public static List<TableEntity> Pack(string partitionKey, long receivedTicks, Guid writeId, IEnumerable<TableEntity> cells)
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
            rows.Add(Row(partitionKey, RowKey(receivedTicks, writeId, rows.Count), count, buffer));
            (count, buffer.Position) = (0, 0);
            buffer.SetLength(0);
        }
        if (count > 0) rows.Add(Row(partitionKey, RowKey(receivedTicks, writeId, rows.Count), count, buffer));
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
