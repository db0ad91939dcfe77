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
    /// <summary>
    /// The RowKey of the row that a week partition gets last, once all its rows are written. Without it the
    /// partition may be half written (a run stopped midway), and readers take the week's days instead.
    /// </summary>
    public const string WeekComplete = "~complete";

    public static string TableOf(string family, Grain grain) => $"Rollups{Families.NameOf(family)}{grain}s";

    /// <summary>Every rollup table, requests' families first.</summary>
    public static IEnumerable<string> Tables =>
        Families.RequestFamilies.Concat(Families.UsageFamilies).SelectMany(f => Enum.GetValues<Grain>().Select(g => TableOf(f, g)));

    /// <summary>
    /// Makes the family's partition for the hour, day or week at <paramref name="start"/> hold exactly <paramref name="cells"/>:
    /// upserts them and deletes rows that are no longer produced (a week's then gets its <see cref="WeekComplete"/> row).
    /// Returns rows written and deleted.
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
            if (!keep.Contains(existing.RowKey) && existing.RowKey != WeekComplete) stale.Add(existing);

        // A week is marked complete only once all its rows are in place: unmark it before changing any.
        if (grain == Grain.Week) await table.DeleteEntityAsync(partitionKey, WeekComplete, cancellationToken: cancellationToken).ConfigureAwait(false);
        var actions = rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r))
            .Concat(stale.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r)));
        foreach (var transaction in actions.Chunk(Raw.RawEventStore.MaxTransactionSize))
            await table.SubmitTransactionAsync(transaction, cancellationToken).ConfigureAwait(false);
        if (grain == Grain.Week)
            await table.UpsertEntityAsync(new TableEntity(partitionKey, WeekComplete), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        return (rows.Count, stale.Count);
    }

    /// <summary>A week's rows, or null when the week has none complete (never computed, or being rewritten).</summary>
    public async Task<List<RollupRow<TCell>>?> ReadWeekAsync<TCell>(CellFormat<TCell> format, string family, DateTimeOffset week, bool distinctCounts,
        CancellationToken cancellationToken = default) where TCell : new()
    {
        var rows = new List<RollupRow<TCell>>();
        var complete = false;
        await foreach (var row in EntitiesAsync(format.Kind, family, Grain.Week, week, week, distinctCounts, cancellationToken).ConfigureAwait(false))
        {
            if (row.RowKey == WeekComplete) complete = true;
            else rows.Add(new RollupRow<TCell>(row.PartitionKey, RollupEntities.KeyOf(row), format.FromRow(row)));
        }
        return complete ? rows : null;
    }

    /// <summary>Every row of the family's hours, days or weeks from <paramref name="first"/> to <paramref name="last"/> inclusive.</summary>
    /// <param name="distinctCounts">False leaves the user and visitor sketches unread: the cells' counts of them are then 0.</param>
    public async IAsyncEnumerable<RollupRow<TCell>> ReadAsync<TCell>(CellFormat<TCell> format, string family, Grain grain,
        DateTimeOffset first, DateTimeOffset last, bool distinctCounts = true,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default) where TCell : new()
    {
        await foreach (var row in EntitiesAsync(format.Kind, family, grain, first, last, distinctCounts, cancellationToken).ConfigureAwait(false))
            if (row.RowKey != WeekComplete) yield return new RollupRow<TCell>(row.PartitionKey, RollupEntities.KeyOf(row), format.FromRow(row));
    }

    private async IAsyncEnumerable<TableEntity> EntitiesAsync(string kind, string family, Grain grain,
        DateTimeOffset first, DateTimeOffset last, bool distinctCounts,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var select = distinctCounts ? null : RollupEntities.ColumnsWithoutDistinctCounts(family);
        var table = await account.TableAsync(TableOf(family, grain), cancellationToken).ConfigureAwait(false);
        var (from, to) = (RollupPartitions.Key(kind, family, grain, first), RollupPartitions.Key(kind, family, grain, last));
        var filter = from == to
            ? TableClient.CreateQueryFilter($"PartitionKey eq {from}")
            : TableClient.CreateQueryFilter($"PartitionKey ge {from} and PartitionKey le {to}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: select, cancellationToken: cancellationToken).ConfigureAwait(false))
            yield return row;
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
