using Azure.Data.Tables;
using Metrics.Core.Rollups;

namespace Metrics.Storage.Rollups;

/// <summary>A rollup row as read back: its partition (time bucket), dimension key and cell.</summary>
public sealed record RollupRow<TCell>(string PartitionKey, RollupKey Key, TCell Cell);

/// <summary>
/// The rollup tables, one per family and grain (<c>RollupsEndpointDays</c>, <c>RollupsUserHours</c>, …): whole
/// partitions replaced at once, and partition ranges scanned. On Table storage one table would serve as well;
/// apart, a query's cost on a store that filters a whole table per request (Azurite does) follows the rows of
/// what it reads: a 30-day summary pays for the endpoint family's day rows, not for every user's hours.
/// </summary>
public sealed class RollupStore(StorageAccount account)
{
    public static string TableOf(string family, Grain grain) => $"Rollups{Families.NameOf(family)}{(grain == Grain.Hour ? "Hours" : "Days")}";

    /// <summary>Every rollup table, requests' families first.</summary>
    public static IEnumerable<string> Tables =>
        Families.RequestFamilies.Concat(Families.UsageFamilies).SelectMany(f => new[] { TableOf(f, Grain.Hour), TableOf(f, Grain.Day) });

    /// <summary>
    /// Makes the family's partition for the hour or day at <paramref name="start"/> hold exactly <paramref name="cells"/>:
    /// upserts them and deletes rows that are no longer produced. Returns rows written and deleted.
    /// </summary>
    public async Task<(int Written, int Deleted)> ReplaceAsync<TCell>(CellFormat<TCell> format, string family, Grain grain, DateTimeOffset start,
        IEnumerable<KeyValuePair<RollupKey, TCell>> cells, CancellationToken cancellationToken = default) where TCell : new()
    {
        var table = await account.TableAsync(TableOf(family, grain), cancellationToken).ConfigureAwait(false);
        var partitionKey = RollupPartitions.Key(format.Kind, family, grain, start);
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

    /// <summary>Every row of the family's hours or days from <paramref name="first"/> to <paramref name="last"/> inclusive.</summary>
    /// <param name="distinctCounts">False leaves the user and visitor sketches unread: the cells' counts of them are then 0.</param>
    public async IAsyncEnumerable<RollupRow<TCell>> ReadAsync<TCell>(CellFormat<TCell> format, string family, Grain grain,
        DateTimeOffset first, DateTimeOffset last, bool distinctCounts = true,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default) where TCell : new()
    {
        var select = distinctCounts ? null : RollupEntities.ColumnsWithoutDistinctCounts(family);
        var table = await account.TableAsync(TableOf(family, grain), cancellationToken).ConfigureAwait(false);
        var (from, to) = (RollupPartitions.Key(format.Kind, family, grain, first), RollupPartitions.Key(format.Kind, family, grain, last));
        var filter = from == to
            ? TableClient.CreateQueryFilter($"PartitionKey eq {from}")
            : TableClient.CreateQueryFilter($"PartitionKey ge {from} and PartitionKey le {to}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: select, cancellationToken: cancellationToken).ConfigureAwait(false))
            yield return new RollupRow<TCell>(row.PartitionKey, RollupEntities.KeyOf(row), format.FromRow(row));
    }

    /// <summary>The start of the family's first hour with rollups, if any.</summary>
    public async Task<DateTimeOffset?> FirstHourAsync(string kind, string family, CancellationToken cancellationToken = default)
    {
        var table = await account.TableAsync(TableOf(family, Grain.Hour), cancellationToken).ConfigureAwait(false);
        var prefix = RollupPartitions.Prefix(kind, family, Grain.Hour);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {prefix} and PartitionKey lt {prefix + "~"}");
        await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken)
                           .AsPages(pageSizeHint: 1).ConfigureAwait(false))
            if (page.Values.Count > 0) return RollupPartitions.StartOf(page.Values[0].PartitionKey);
        return null;
    }
}
