using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;

namespace Metrics.Storage.Beacons;

/// <summary>
/// One random salt per UTC day, shared by every instance through a table row and deleted once the day
/// is over, so yesterday's anonymous visitor hashes can no longer be linked to anyone.
/// </summary>
public sealed class VisitorSalts(StorageAccount account)
{
    public const string Table = "VisitorSalts";
    private const string Partition = "salt";
    private readonly ConcurrentDictionary<DateOnly, byte[]> _cache = new();

    public async ValueTask<byte[]> ForDayAsync(DateOnly day, CancellationToken cancellationToken = default)
    {
        if (_cache.TryGetValue(day, out var cached)) return cached;
        var key = day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        byte[] salt = [];
        await account.WithTableAsync(Table, async table =>
        {
            try
            {
                salt = RandomNumberGenerator.GetBytes(32);
                await table.AddEntityAsync(new TableEntity(Partition, key) { ["Salt"] = salt }, cancellationToken).ConfigureAwait(false);
                await ForgetOlderThanAsync(table, key, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                // Another instance created today's salt first: everyone must use the same one.
                var row = await table.GetEntityAsync<TableEntity>(Partition, key, cancellationToken: cancellationToken).ConfigureAwait(false);
                salt = row.Value.GetBinary("Salt");
            }
        }, cancellationToken).ConfigureAwait(false);
        _cache.Clear();
        return _cache.GetOrAdd(day, salt);
    }

    private static async Task ForgetOlderThanAsync(TableClient table, string todayKey, CancellationToken cancellationToken)
    {
        await foreach (var old in table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition && e.RowKey.CompareTo(todayKey) < 0,
                           select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
            await table.DeleteEntityAsync(old, ETag.All, cancellationToken).ConfigureAwait(false);
    }
}
