using System.Globalization;
using Metrics.Core.Ingestion;
using Metrics.Core.Rollups;

namespace Metrics.Rollups.Tables;

/// <summary>
/// Rollup partitions: <c>{kind}-{family}-h{yyyyMMddHH}</c> for hours, <c>{kind}-{family}-d{yyyyMMdd}</c> for days and
/// <c>{kind}-{family}-w{yyyyMMdd}</c> for weeks (Monday to Monday, UTC). Keys sort by time, so a range of hours or
/// days is one contiguous PartitionKey range scan.
/// </summary>
public static class RollupPartitions
{
    public static string Key(EventKind kind, string family, Grain grain, DateTimeOffset start) =>
        $"{Prefix(kind, family, grain)}{start.UtcDateTime.ToString(grain == Grain.Hour ? "yyyyMMddHH" : "yyyyMMdd", CultureInfo.InvariantCulture)}";

    public static string Prefix(EventKind kind, string family, Grain grain) => $"{kind.Name()}-{family}-{grain switch { Grain.Hour => 'h', Grain.Day => 'd', _ => 'w' }}";

    public static DateTimeOffset StartOf(string partitionKey)
    {
        var marker = partitionKey.LastIndexOf('-') + 1;
        var grain = partitionKey[marker];
        var format = grain == 'h' ? "yyyyMMddHH" : "yyyyMMdd";
        return DateTimeOffset.ParseExact(partitionKey.AsSpan(marker + 1), format, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
    }
}
