using Azure;
using Azure.Data.Tables;
using Metrics.Core.Ingestion;
using Metrics.Core.Rollups;
using Metrics.Storage;
using Metrics.Storage.Tables;

namespace Metrics.Rollups.Tables;

/// <summary>
/// The rollup tables, one per family and grain (<c>RollupsEndpointDays</c>, <c>RollupsUserHours</c>, …): whole
/// partitions replaced at once, and partition ranges scanned. On Table storage one table would serve as well;
/// apart, a query's cost on a store that filters a whole table per request (Azurite does) follows the rows of
/// what it reads: a 30-day summary pays for the endpoint family's day rows, not for every user's hours.
/// </summary>
public sealed class RollupStore(StorageAccount account, PartialRowCache partialRows)
{
    /// <summary>
    /// The RowKey of the row that a week partition gets last, once all its rows are written. Without it the
    /// partition may be half written (a run stopped midway), and readers take the week's days instead.
    /// </summary>
    public const string WeekComplete = "~complete";

    /// <summary>
    /// Makes the family's partition for the hour, day or week at <paramref name="start"/> hold exactly <paramref name="cells"/>:
    /// an hour's a row per key, upserted, then without the rows no longer produced; a day's or week's as packs
    /// (<see cref="SettledPacks"/>), then without the rows before them (a week's then gets its <see cref="WeekComplete"/> row).
    /// Returns rows written and deleted.
    /// </summary>
    /// <param name="foldedTo">For an hour recomputed from raw rows received before this position: its partials from
    /// before it are in <paramref name="cells"/> and deleted; later ones stay to be added by readers. <see cref="FoldPosition.End"/>
    /// for rows that hold everything (a finalised hour, days and weeks).</param>
    internal Task<(int Written, int Deleted)> ReplaceAsync<TCell>(CellFormat<TCell> format, string family, Grain grain, DateTimeOffset start,
        IEnumerable<KeyValuePair<RollupKey, TCell>> cells, FoldPosition foldedTo, CancellationToken cancellationToken = default) where TCell : new() =>
        grain == Grain.Hour
            ? ReplaceHourAsync(format, family, start, cells, foldedTo, cancellationToken)
            : ReplacePackedAsync(format, family, grain, start, cells, cancellationToken);

    private async Task<(int Written, int Deleted)> ReplaceHourAsync<TCell>(CellFormat<TCell> format, string family, DateTimeOffset start,
        IEnumerable<KeyValuePair<RollupKey, TCell>> cells, FoldPosition foldedTo, CancellationToken cancellationToken) where TCell : new()
    {
        var table = await account.TableAsync(TableNames.Rollups(family, Grain.Hour), cancellationToken).ConfigureAwait(false);
        var partitionKey = RollupPartitions.Key(format.Kind, family, Grain.Hour, start);
        var rows = cells.Select(c => RollupEntities.Settled(format.ToRow(partitionKey, c.Key, c.Value), Grain.Hour, foldedTo)).ToList();
        var keep = rows.Select(r => r.RowKey).ToHashSet(StringComparer.Ordinal);
        var stale = new List<TableEntity>();
        var coveredTo = FoldPosition.Start;
        await foreach (var existing in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}"),
                           select: ["PartitionKey", "RowKey", PartialRows.CoveredTo], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (PartialRows.IsCoverage(existing)) coveredTo = PartialRows.CoveredToOf(existing);
            else if (!PartialRows.Is(existing) ? !keep.Contains(existing.RowKey) : PartialRows.ReceivedOf(existing) < foldedTo)
                stale.Add(existing);
        }

        var actions = rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)).ToList();
        // Partials the rows now hold are covered before they go, so a run stopped midway never packs one again. A
        // finalised hour (folded to the end of time) needs no coverage: its rows hold every partial there will be.
        // Packs it deletes are sealed too, so one left behind is never added to.
        var covers = FoldPosition.Max(coveredTo, foldedTo);
        var coverage = PartialRows.Coverage(partitionKey, covers, covers);
        var covering = !foldedTo.IsEnd && (coveredTo > FoldPosition.Start || stale.Any(PartialRows.Is));
        if (covering) actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, coverage));
        foreach (var transaction in actions.Chunk(StorageAccount.MaxTransactionActions))
            await table.SubmitTransactionAsync(transaction, cancellationToken).ConfigureAwait(false);
        // Then the rows no longer produced; one another run deleted first is done, not a failure.
        await RowDeletes.DeleteAsync(table, stale, cancellationToken).ConfigureAwait(false);
        if (foldedTo.IsEnd && coveredTo > FoldPosition.Start)
            await table.DeleteEntityAsync(partitionKey, PartialRowKey.Coverage, ETag.All, cancellationToken).ConfigureAwait(false);
        return (rows.Count, stale.Count);
    }

    /// <summary>A day's or week's partition as a new generation of packs (<see cref="SettledPacks"/>), then without the rows before it.</summary>
    private async Task<(int Written, int Deleted)> ReplacePackedAsync<TCell>(CellFormat<TCell> format, string family, Grain grain, DateTimeOffset start,
        IEnumerable<KeyValuePair<RollupKey, TCell>> cells, CancellationToken cancellationToken) where TCell : new()
    {
        var table = await account.TableAsync(TableNames.Rollups(family, grain), cancellationToken).ConfigureAwait(false);
        var partitionKey = RollupPartitions.Key(format.Kind, family, grain, start);
        var existing = await table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}"), select: ["PartitionKey", "RowKey"],
            cancellationToken: cancellationToken).Where(row => row.RowKey != WeekComplete).ToListAsync(cancellationToken).ConfigureAwait(false);
        // In RowKey order, as rows per key were read: sums then add up in the same order as before packs.
        var settled = cells.Select(c => format.ToRow(partitionKey, c.Key, c.Value)).OrderBy(row => row.RowKey, StringComparer.Ordinal);
        var packs = SettledPacks.Pack(partitionKey, SettledPacks.NextGeneration(existing), settled);

        // A week is marked complete only once all its rows are in place: unmark it before changing any.
        if (grain == Grain.Week) await table.DeleteEntityAsync(partitionKey, WeekComplete, cancellationToken: cancellationToken).ConfigureAwait(false);
        // One at a time: a pack may be near an entity's 1 MiB, and a transaction holds 4 MiB. Readers take a generation once whole.
        foreach (var pack in packs)
            await table.UpsertEntityAsync(pack, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        // Then the rows before it; one another run deleted first is done, not a failure.
        await RowDeletes.DeleteAsync(table, existing, cancellationToken).ConfigureAwait(false);
        if (grain == Grain.Week)
            await table.UpsertEntityAsync(new TableEntity(partitionKey, WeekComplete), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        return (packs.Count, existing.Count);
    }

    /// <summary>
    /// Ingestion's share of the family's hour: what one write added to it, every key in one partial row beside the hour's
    /// settled rows (see <see cref="PartialRows"/>). Upserts, so a write the client library retries lands once.
    /// </summary>
    internal async Task WritePartialsAsync<TCell>(CellFormat<TCell> format, string family, DateTimeOffset hour, FoldPosition received, Guid writeId,
        IEnumerable<KeyValuePair<RollupKey, TCell>> cells, CancellationToken cancellationToken = default) where TCell : new()
    {
        var partitionKey = RollupPartitions.Key(format.Kind, family, Grain.Hour, hour);
        var rows = PartialRows.Pack(partitionKey, received, writeId, cells.Select(c => format.ToRow(partitionKey, c.Key, c.Value)));
        if (rows.Count == 0) return;
        await account.WithTableAsync(TableNames.Rollups(family, Grain.Hour), async table =>
        {
            // One row is the usual write; a transaction's 4 MiB would not hold many of the largest.
            foreach (var row in rows)
                await table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A week's rows, or null when the week has none complete (never computed, or being rewritten).</summary>
    internal async Task<List<RollupRow<TCell>>?> ReadWeekAsync<TCell>(CellFormat<TCell> format, string family, DateTimeOffset week, bool distinctCounts,
        CancellationToken cancellationToken = default) where TCell : new()
    {
        var rows = await EntitiesAsync(format.Kind, family, Grain.Week, week, week, PackedColumnsOf(family, distinctCounts), cancellationToken)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.Any(row => row.RowKey == WeekComplete) ? SettledPacks.Cells(rows).Select(cell => RowOf(format, cell)).ToList() : null;
    }

    /// <summary>Every row of the family's hours, days or weeks from <paramref name="first"/> to <paramref name="last"/> inclusive.</summary>
    /// <param name="distinctCounts">False leaves the user and visitor sketches unread: the cells' counts of them are then 0.</param>
    /// <remarks>An hour's partials not yet folded into its settled rows come as rows of their own, after the settled ones.</remarks>
    internal async IAsyncEnumerable<RollupRow<TCell>> ReadAsync<TCell>(CellFormat<TCell> format, string family, Grain grain,
        DateTimeOffset first, DateTimeOffset last, bool distinctCounts = true,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default) where TCell : new()
    {
        if (grain != Grain.Hour)
        {
            var settled = await EntitiesAsync(format.Kind, family, grain, first, last, PackedColumnsOf(family, distinctCounts), cancellationToken)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var cell in CellsByPartition(settled)) yield return RowOf(format, cell);
            yield break;
        }
        var (rows, cellsOf) = await HoursAsync(format.Kind, family, first, last, distinctCounts, cancellationToken).ConfigureAwait(false);
        var foldedTo = new Dictionary<(string, string), FoldPosition>();
        foreach (var row in rows.Where(row => !PartialRows.Is(row)))
        {
            foldedTo.Add((row.PartitionKey, row.RowKey), RollupEntities.FoldedToOf(row));
            yield return RowOf(format, row);
        }
        foreach (var cell in PartialRows.Pending(rows.Where(PartialRows.Is).ToList(), (partition, rowKey) => foldedTo.GetValueOrDefault((partition, rowKey)), cellsOf))
            yield return RowOf(format, cell);
    }

    /// <summary>
    /// The hours' rows as one scan meets them: settled rows whole, and the partials' and packs' cells from
    /// <see cref="PartialRowCache"/> (the scan lists them, by key and ETag, without their cells; the cache reads those it lacks).
    /// </summary>
    /// <remarks>The scan meets every partial before the settled rows that may hold it (see <see cref="PartialRows"/>),
    /// so one folded meanwhile is either still listed or held by what the scan read after it.</remarks>
    private async Task<(List<TableEntity> Rows, Func<TableEntity, IEnumerable<TableEntity>> CellsOf)> HoursAsync(EventKind kind, string family,
        DateTimeOffset first, DateTimeOffset last, bool distinctCounts, CancellationToken cancellationToken)
    {
        var columns = RollupEntities.Columns(family, distinctCounts);
        var rows = await EntitiesAsync(kind, family, Grain.Hour, first, last, columns, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        var partials = rows.Where(row => PartialRows.Is(row) && !PartialRows.IsCoverage(row)).ToList();
        if (partials.Count == 0) return (rows, PartialRows.Unpack);
        var table = await account.TableAsync(TableNames.Rollups(family, Grain.Hour), cancellationToken).ConfigureAwait(false);
        if (await partialRows.CellsAsync(table, partials, cancellationToken).ConfigureAwait(false) is { } cellsOf) return (rows, cellsOf);
        // A fold deleted or replaced some of them after the scan listed them: scan again, with the cells this time.
        rows = await EntitiesAsync(kind, family, Grain.Hour, first, last, [.. columns, .. PartialRows.Columns], cancellationToken)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return (rows, PartialRows.Unpack);
    }

    /// <summary>
    /// The day rows from <paramref name="first"/> to <paramref name="last"/> that one range scan's first page holds, and
    /// the first day it may not have held whole (null when the page held them all). A small family's month (the service or
    /// event type rows) is one request this way instead of one per day; a larger one's rest is read by partition.
    /// </summary>
    internal async Task<(List<RollupRow<TCell>> Rows, DateTimeOffset? NotWhole)> ReadDaysFirstPageAsync<TCell>(CellFormat<TCell> format, string family,
        DateTimeOffset first, DateTimeOffset last, bool distinctCounts, CancellationToken cancellationToken = default) where TCell : new()
    {
        var rows = await QueryAsync(format.Kind, family, Grain.Day, first, last, PackedColumnsOf(family, distinctCounts), cancellationToken)
            .ConfigureAwait(false);
        await foreach (var page in rows.AsPages().ConfigureAwait(false))
        {
            if (page.ContinuationToken is null) return (CellsByPartition(page.Values).Select(cell => RowOf(format, cell)).ToList(), null);
            // Rows come in partition order: every partition before the page's last is whole; the last may go on.
            var notWhole = page.Values.Count > 0 ? page.Values[^1].PartitionKey : null;
            var whole = CellsByPartition(page.Values.TakeWhile(row => row.PartitionKey != notWhole).ToList()).Select(cell => RowOf(format, cell)).ToList();
            return (whole, notWhole is null ? first : RollupPartitions.StartOf(notWhole));
        }
        return ([], null);
    }

    private async IAsyncEnumerable<TableEntity> EntitiesAsync(EventKind kind, string family, Grain grain,
        DateTimeOffset first, DateTimeOffset last, IEnumerable<string> select,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in (await QueryAsync(kind, family, grain, first, last, select, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false))
            yield return row;
    }

    /// <summary>The family's partitions from <paramref name="first"/> to <paramref name="last"/>, the columns in <paramref name="select"/>.</summary>
    private async Task<AsyncPageable<TableEntity>> QueryAsync(EventKind kind, string family, Grain grain, DateTimeOffset first, DateTimeOffset last,
        IEnumerable<string> select, CancellationToken cancellationToken)
    {
        var table = await account.TableAsync(TableNames.Rollups(family, grain), cancellationToken).ConfigureAwait(false);
        var (from, to) = (RollupPartitions.Key(kind, family, grain, first), RollupPartitions.Key(kind, family, grain, last));
        var filter = from == to
            ? TableClient.CreateQueryFilter($"PartitionKey eq {from}")
            : TableClient.CreateQueryFilter($"PartitionKey ge {from} and PartitionKey le {to}");
        return table.QueryAsync<TableEntity>(filter, select: select, cancellationToken: cancellationToken);
    }

    /// <summary>The columns of a day's or week's rows: its packs', and those of rows per key written before packs.</summary>
    private static IReadOnlyList<string> PackedColumnsOf(string family, bool distinctCounts) =>
        [.. RollupEntities.Columns(family, distinctCounts), .. SettledPacks.Columns(distinctCounts)];

    /// <summary>The cells of day or week rows, in partition order as a scan returns them, partition by partition.</summary>
    private static IEnumerable<TableEntity> CellsByPartition(IReadOnlyList<TableEntity> rows) =>
        rows.GroupBy(row => row.PartitionKey, StringComparer.Ordinal).SelectMany(partition => SettledPacks.Cells(partition.ToList()));

    private static RollupRow<TCell> RowOf<TCell>(CellFormat<TCell> format, TableEntity row) where TCell : new() =>
        new(row.PartitionKey, RollupEntities.KeyOf(row), format.FromRow(row));

    /// <summary>The start of the family's first hour with rollups, if any.</summary>
    public async Task<DateTimeOffset?> FirstHourAsync(EventKind kind, string family, CancellationToken cancellationToken = default)
    {
        var table = await account.TableAsync(TableNames.Rollups(family, Grain.Hour), cancellationToken).ConfigureAwait(false);
        var prefix = RollupPartitions.Prefix(kind, family, Grain.Hour);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {prefix} and PartitionKey lt {prefix + "~"}");
        await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken)
                           .AsPages(pageSizeHint: 1).ConfigureAwait(false))
            if (page.Values.Count > 0) return RollupPartitions.StartOf(page.Values[0].PartitionKey);
        return null;
    }
}
