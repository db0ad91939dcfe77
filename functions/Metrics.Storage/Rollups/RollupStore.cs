using Azure.Data.Tables;
using Metrics.Core.Rollups;

namespace Metrics.Storage.Rollups;

/// <summary>A rollup row as read back: its partition (time bucket), dimension key and cell.</summary>
public sealed record RollupRow<TCell>(string PartitionKey, RollupKey Key, TCell Cell);

/// <summary>
/// The rollup tables, one per family (<c>RollupsService</c>, <c>RollupsEndpoint</c>, …): whole partitions
/// replaced at once, and partition ranges scanned. On Table storage one table would serve as well; one per
/// family keeps each family's rows apart, so a query's cost on a store that scans a whole table per request
/// (Azurite does) follows its own family's size, and the busiest family (users) slows no other.
/// </summary>
public sealed class RollupStore(StorageAccount account)
{
    public static string TableOf(string family) => "Rollups" + Families.NameOf(family);

    /// <summary>Every rollup table, requests' families first.</summary>
    public static IEnumerable<string> Tables => Families.RequestFamilies.Concat(Families.UsageFamilies).Select(TableOf);

    /// <summary>
    /// Makes the partition hold exactly <paramref name="cells"/>: upserts them and deletes rows that are no
    /// longer produced. Returns rows written and deleted.
    /// </summary>
    public async Task<(int Written, int Deleted)> ReplaceAsync<TCell>(CellFormat<TCell> format, string family, string partitionKey,
        IEnumerable<KeyValuePair<RollupKey, TCell>> cells, CancellationToken cancellationToken = default) where TCell : new()
    {
        var table = await account.TableAsync(TableOf(family), cancellationToken).ConfigureAwait(false);
        var rows = cells.Select(c => format.ToRow(partitionKey, c.Key, c.Value)).ToList();
        var keep = rows.Select(r => r.RowKey).ToHashSet(StringComparer.Ordinal);
        var stale = new List<TableEntity>();
        await foreach (var existing in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}"), select: ["PartitionKey", "RowKey"],
                           cancellationToken: cancellationToken).ConfigureAwait(false))
            if (!keep.Contains(existing.RowKey)) stale.Add(existing);

        var actions = rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r))
            .Concat(stale.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r)));
        foreach (var transaction in actions.Chunk(Raw.RawEventStore.MaxTransactionSize))
            await table.SubmitTransactionAsync(transaction, cancellationToken).ConfigureAwait(false);
        return (rows.Count, stale.Count);
    }

    /// <summary>Every row of the partitions from <paramref name="first"/> to <paramref name="last"/> inclusive.</summary>
    public async IAsyncEnumerable<RollupRow<TCell>> ReadAsync<TCell>(CellFormat<TCell> format, string family, string first, string last,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default) where TCell : new()
    {
        var table = await account.TableAsync(TableOf(family), cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {first} and PartitionKey le {last}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            yield return new RollupRow<TCell>(row.PartitionKey, RollupEntities.KeyOf(row), format.FromRow(row));
    }

    /// <summary>The family's first partition key that starts with <paramref name="prefix"/>, if any.</summary>
    public async Task<string?> FirstPartitionAsync(string family, string prefix, CancellationToken cancellationToken = default)
    {
        var table = await account.TableAsync(TableOf(family), cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {prefix} and PartitionKey lt {prefix + "~"}");
        await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken)
                           .AsPages(pageSizeHint: 1).ConfigureAwait(false))
            if (page.Values.Count > 0) return page.Values[0].PartitionKey;
        return null;
    }
}
