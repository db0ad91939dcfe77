using System.IO.Compression;
using Azure.Data.Tables;

namespace Metrics.Rollups.Tables;

/// <summary>
/// Many cells in one row: each written with <see cref="CellCodec"/>, the lot deflated and cut into binary columns of at most
/// 64 KiB (<c>{prefix}0</c>, <c>{prefix}1</c>, …), since a binary property holds no more. What partial rows
/// (<see cref="PartialRows"/>) and the packs of days and weeks (<see cref="SettledPacks"/>) are made of.
/// </summary>
internal static class PackedColumns
{
    /// <summary>A binary property holds at most 64 KiB.</summary>
    public const int ColumnBytes = 64 * 1024;

    public static IReadOnlyList<string> Names(string prefix, int count) => Enumerable.Range(0, count).Select(i => $"{prefix}{i}").ToArray();

    /// <summary>Writes <paramref name="count"/> cells, encoded in <paramref name="cells"/>, into the row's columns.</summary>
    public static void Put(TableEntity row, string prefix, int count, MemoryStream cells)
    {
        using var packed = new MemoryStream();
        using (var deflated = new BinaryWriter(new ZLibStream(packed, CompressionLevel.Fastest, leaveOpen: true)))
        {
            deflated.Write(count);
            deflated.Write(cells.GetBuffer(), 0, (int)cells.Length);
        }
        var bytes = packed.GetBuffer().AsMemory(0, (int)packed.Length);
        for (var i = 0; i * ColumnBytes < bytes.Length; i++)
            row[$"{prefix}{i}"] = bytes.Slice(i * ColumnBytes, Math.Min(ColumnBytes, bytes.Length - i * ColumnBytes)).ToArray();
    }

    /// <summary>The cells in the row's columns, each as its settled row in <paramref name="partitionKey"/>; none when the row was read without them.</summary>
    public static List<TableEntity> Read(TableEntity row, string prefix, string partitionKey)
    {
        using var packed = new MemoryStream();
        for (var i = 0; row.GetBinary($"{prefix}{i}") is { } bytes; i++) packed.Write(bytes);
        if (packed.Length == 0) return [];
        packed.Position = 0;
        using var inflated = new ZLibStream(packed, CompressionMode.Decompress);
        using var reader = new BinaryReader(inflated);
        var count = reader.ReadInt32();
        var cells = new List<TableEntity>(count);
        for (var i = 0; i < count; i++) cells.Add(CellCodec.Read(reader, partitionKey));
        return cells;
    }

    /// <summary>The compressed bytes in the row's columns.</summary>
    public static long BytesOf(TableEntity row, string prefix)
    {
        long total = 0;
        for (var i = 0; row.GetBinary($"{prefix}{i}") is { } bytes; i++) total += bytes.Length;
        return total;
    }
}
