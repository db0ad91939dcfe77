using Azure.Data.Tables;

namespace Metrics.Rollups.Tables;

/// <summary>
/// A rollup row's RowKey and columns as bytes, for packing many into one partial row (<see cref="PartialRows"/>). Only
/// the types rollup rows use are written; any other is a programming error and fails the write, not a later read.
/// </summary>
internal static class CellCodec
{
    private enum Tag : byte { Text, Integer, Bytes, Time }

    public static void Write(BinaryWriter writer, TableEntity cell)
    {
        writer.Write(cell.RowKey);
        var columns = cell.Where(p => p.Key is not ("PartitionKey" or "RowKey" or "odata.etag" or "Timestamp")).ToList();
        writer.Write(columns.Count);
        foreach (var (name, value) in columns)
        {
            writer.Write(name);
            switch (value)
            {
                case string text:
                    writer.Write((byte)Tag.Text);
                    writer.Write(text);
                    break;
                case long integer:
                    writer.Write((byte)Tag.Integer);
                    writer.Write(integer);
                    break;
                case byte[] bytes:
                    writer.Write((byte)Tag.Bytes);
                    writer.Write(bytes.Length);
                    writer.Write(bytes);
                    break;
                case DateTimeOffset time:
                    writer.Write((byte)Tag.Time);
                    writer.Write(time.UtcTicks);
                    break;
                default:
                    throw new NotSupportedException($"Rollup column {name} is a {value?.GetType().Name ?? "null"}, which partial rows do not hold.");
            }
        }
    }

    public static TableEntity Read(BinaryReader reader, string partitionKey)
    {
        var cell = new TableEntity(partitionKey, reader.ReadString());
        var columns = reader.ReadInt32();
        for (var i = 0; i < columns; i++)
        {
            var name = reader.ReadString();
            cell[name] = (Tag)reader.ReadByte() switch
            {
                Tag.Text => reader.ReadString(),
                Tag.Integer => reader.ReadInt64(),
                Tag.Bytes => reader.ReadBytes(reader.ReadInt32()),
                Tag.Time => new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero),
                var tag => throw new InvalidDataException($"A partial row's column {name} has an unknown type tag {(byte)tag}."),
            };
        }
        return cell;
    }
}
