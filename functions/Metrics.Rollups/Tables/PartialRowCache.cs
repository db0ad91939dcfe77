using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Caching.Memory;

namespace Metrics.Rollups.Tables;

/// <summary>
/// The cells of the partial and packed rows queries have read, kept by row and version (ETag) between queries. While
/// events stream in, every query over the live hour meets the same seconds of partials its predecessor met, and they
/// are most of what it reads: 65 partial rows of the endpoint family were 212 KB, and Azurite took 7 ms to send them
/// where their keys alone were 9 KB and 2 ms (docs/performance/streaming.md). A row never changes under its ETag, so a
/// query lists an hour's partials by key and reads only those not kept here: the ones written since the last query.
/// </summary>
/// <remarks>Each worker keeps its own; what one partition keeps is what its last query listed, so rows a fold deleted
/// go at the next query, and a partition no query reads any more goes after <see cref="Unused"/>.</remarks>
public sealed class PartialRowCache : IDisposable
{
    /// <summary>Compressed bytes kept over all partitions (in memory the cells take a few times more).</summary>
    private const long SizeLimit = 64L * 1024 * 1024;

    private static readonly TimeSpan Unused = TimeSpan.FromMinutes(10);

    private readonly MemoryCache _partitions = new(new MemoryCacheOptions { SizeLimit = SizeLimit });

    /// <summary>
    /// The cells of each of <paramref name="listed"/> (partial and packed rows of <paramref name="table"/>, read without
    /// their packed columns), kept or read now; null when one of them changed or went after it was listed (a fold ran in
    /// between), and the caller must read the rows whole again.
    /// </summary>
    public async Task<Func<TableEntity, IEnumerable<TableEntity>>?> CellsAsync(TableClient table, IReadOnlyList<TableEntity> listed,
        CancellationToken cancellationToken)
    {
        var partitions = await Task.WhenAll(listed.GroupBy(row => row.PartitionKey)
            .Select(partition => PartitionAsync(table, partition.Key, partition.ToList(), cancellationToken))).ConfigureAwait(false);
        if (partitions.Any(kept => kept is null)) return null;
        var cells = partitions.SelectMany(kept => kept!.Rows).ToDictionary(row => row.Key, row => row.Value.Cells);
        return row => cells[(row.PartitionKey, row.RowKey)];
    }

    public void Dispose() => _partitions.Dispose();

    private async Task<Partition?> PartitionAsync(TableClient table, string partitionKey, List<TableEntity> listed, CancellationToken cancellationToken)
    {
        var cacheKey = (table.Name, partitionKey);
        var before = _partitions.Get<Partition>(cacheKey);
        var now = new Partition();
        var missing = new Dictionary<string, ETag>(StringComparer.Ordinal);
        foreach (var row in listed)
        {
            if (before?.Rows.GetValueOrDefault((partitionKey, row.RowKey)) is { } kept && kept.ETag == row.ETag) now.Rows[(partitionKey, row.RowKey)] = kept;
            else missing[row.RowKey] = row.ETag;
        }
        if (missing.Count > 0)
        {
            // The rows written since the last query sort together (by the time they were received, packs after them):
            // one range holds them, and maybe a few kept ones, read again.
            var keys = missing.Keys.Order(StringComparer.Ordinal).ToList();
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {keys[0]} and RowKey le {keys[^1]}");
            await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
                if (missing.TryGetValue(row.RowKey, out var etag) && row.ETag == etag)
                    now.Rows[(partitionKey, row.RowKey)] = new Kept(row.ETag, PartialRows.Unpack(row), PartialRows.PackedBytesOf(row));
            if (now.Rows.Count < listed.Count) return null;
        }
        _partitions.Set(cacheKey, now, new MemoryCacheEntryOptions { Size = now.Rows.Values.Sum(kept => kept.Bytes), SlidingExpiration = Unused });
        return now;
    }

    /// <summary>What a partition kept: written once, then only read, by any number of queries at once.</summary>
    private sealed class Partition
    {
        public Dictionary<(string PartitionKey, string RowKey), Kept> Rows { get; } = [];
    }

    private sealed record Kept(ETag ETag, List<TableEntity> Cells, long Bytes);
}
