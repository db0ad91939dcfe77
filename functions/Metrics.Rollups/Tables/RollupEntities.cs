using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Metrics.Core.Rollups;
using Metrics.Core.Sketches;

namespace Metrics.Rollups.Tables;

/// <summary>
/// Rollup cells as table rows. The RowKey is a hash of the dimension values (endpoints hold characters
/// keys may not, and can be long); the values themselves are stored as D0…Dn.
/// </summary>
public static class RollupEntities
{
    /// <summary>
    /// A settled hour row's column: the <see cref="FoldPosition"/> before which every partial of its key and hour is in it.
    /// Partials received from then on are still to be added to it (see <see cref="PartialRowKey"/>).
    /// </summary>
    public const string FoldedTo = "FoldedTo";

    public static FoldPosition FoldedToOf(TableEntity row) => new(row.GetInt64(FoldedTo) ?? 0);

    /// <summary>The row as a settled row of <paramref name="grain"/>: an hour's says what it is folded to.</summary>
    public static TableEntity Settled(TableEntity row, Grain grain, FoldPosition foldedTo)
    {
        if (grain == Grain.Hour) row[FoldedTo] = foldedTo.Ticks;
        return row;
    }

    public static string RowKey(RollupKey key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.Family + "\u001f" + key.JoinedValues)).AsSpan(0, 16));

    public static TableEntity From(string partitionKey, RollupKey key, RequestCell cell)
    {
        var row = Keyed(partitionKey, key);
        row["Requests"] = cell.Requests;
        row["ClientErrors"] = cell.ClientErrors;
        row["ServerErrors"] = cell.ServerErrors;
        row["DurationMicros"] = cell.DurationMicros;
        row["Units"] = cell.Units;
        row["CpuMicros"] = cell.CpuMicros;
        row["GpuMicros"] = cell.GpuMicros;
        row["SyncRequests"] = cell.SyncRequests;
        row["AsyncRequests"] = cell.AsyncRequests;
        row["LastEventAt"] = cell.LastEventAt;
        row["Durations"] = cell.Durations.ToBytes();
        row["Users"] = cell.Users.ToBytes();
        if (cell.UnitsByModel.Count > 0) row["UnitsByModel"] = JsonSerializer.Serialize(cell.UnitsByModel);
        return row;
    }

    public static TableEntity From(string partitionKey, RollupKey key, UsageCell cell)
    {
        var row = Keyed(partitionKey, key);
        row["Events"] = cell.Events;
        row["LastEventAt"] = cell.LastEventAt;
        row["Visitors"] = cell.Visitors.ToBytes();
        row["Users"] = cell.Users.ToBytes();
        return row;
    }

    public static RequestCell ToRequestCell(TableEntity row) => new()
    {
        Requests = row.GetInt64("Requests") ?? 0,
        ClientErrors = row.GetInt64("ClientErrors") ?? 0,
        ServerErrors = row.GetInt64("ServerErrors") ?? 0,
        DurationMicros = row.GetInt64("DurationMicros") ?? 0,
        Units = row.GetInt64("Units") ?? 0,
        CpuMicros = row.GetInt64("CpuMicros") ?? 0,
        GpuMicros = row.GetInt64("GpuMicros") ?? 0,
        SyncRequests = row.GetInt64("SyncRequests") ?? 0,
        AsyncRequests = row.GetInt64("AsyncRequests") ?? 0,
        LastEventAt = row.GetDateTimeOffset("LastEventAt") ?? default,
        Durations = QuantileSketch.FromBytes(row.GetBinary("Durations")),
        Users = DistinctCountOf(row, "Users"),
        UnitsByModel = row.GetString("UnitsByModel") is { } units
            ? new(JsonSerializer.Deserialize<Dictionary<string, long>>(units)!, StringComparer.Ordinal)
            : new(StringComparer.Ordinal),
    };

    public static UsageCell ToUsageCell(TableEntity row) => new()
    {
        Events = row.GetInt64("Events") ?? 0,
        LastEventAt = row.GetDateTimeOffset("LastEventAt") ?? default,
        Visitors = DistinctCountOf(row, "Visitors"),
        Users = DistinctCountOf(row, "Users"),
    };

    /// <summary>
    /// The columns of a family's settled rows that a query reads, and an hour's coverage (<see cref="PartialRows.CoveredTo"/>):
    /// never a partial row's packed cells, which <see cref="PartialRowCache"/> keeps. Without the distinct-count sketches
    /// unless asked: they are most of a busy row's bytes (8 bytes a user up to 4,096 users).
    /// </summary>
    public static IReadOnlyList<string> Columns(string family, bool distinctCounts)
    {
        string[] keys = ["PartitionKey", "RowKey", FoldedTo, "Family", .. Enumerable.Range(0, Families.DimensionCount(family)).Select(i => $"D{i}"),
            PartialRows.CoveredTo];
        var requests = Families.RequestFamilies.Contains(family);
        string[] measures = requests
            ? ["Requests", "ClientErrors", "ServerErrors", "DurationMicros", "Units", "UnitsByModel", "CpuMicros", "GpuMicros", "SyncRequests", "AsyncRequests",
                "LastEventAt", "Durations"]
            : ["Events", "LastEventAt"];
        string[] sketches = !distinctCounts ? [] : requests ? ["Users"] : ["Visitors", "Users"];
        return [.. keys, .. measures, .. sketches];
    }

    /// <summary>The sketch in the column; empty when the row was read without it.</summary>
    private static DistinctCountSketch DistinctCountOf(TableEntity row, string column) =>
        row.GetBinary(column) is { } bytes ? DistinctCountSketch.FromBytes(bytes) : new DistinctCountSketch();

    public static RollupKey KeyOf(TableEntity row)
    {
        var values = new List<string?>();
        for (var i = 0; row.TryGetValue($"D{i}", out var value); i++) values.Add(value as string);
        return RollupKey.Of(row.GetString("Family"), values.ToArray());
    }

    private static TableEntity Keyed(string partitionKey, RollupKey key)
    {
        var row = new TableEntity(partitionKey, RowKey(key)) { ["Family"] = key.Family };
        var values = key.Values;
        for (var i = 0; i < values.Length; i++) row[$"D{i}"] = values[i];
        return row;
    }
}
