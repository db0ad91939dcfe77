using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace Metrics.Core.Ingestion;

/// <summary>
/// Raw rows are partitioned by the hour they happened in plus a shard (<c>yyyyMMddHH-ss</c>): one hot
/// hour in one partition would cap real Azure Table storage at about 2,000 entities a second.
/// </summary>
public static class HourBucket
{
    public const string HourFormat = "yyyyMMddHH";

    public static string Key(DateTimeOffset at) => at.UtcDateTime.ToString(HourFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string hourKey) =>
        DateTimeOffset.ParseExact(hourKey.AsSpan(0, HourFormat.Length), HourFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>The partition of a raw row: its hour and a shard chosen by a stable hash of its key.</summary>
    public static string PartitionKey(DateTimeOffset at, string rowKey, int shards) =>
        $"{Key(at)}-{Shard(rowKey, shards):00}";

    private static int Shard(string rowKey, int shards) =>
        (int)(XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(rowKey)) % (ulong)shards);
}
