using Azure;
using Azure.Data.Tables;
using Metrics.Core.Rollups;
using Metrics.Rollups.Tables;
using Metrics.Storage;
using Metrics.Storage.Tables;

namespace Metrics.Rollups.Compaction;

/// <summary>
/// Folds an hour's partials in two steps (see <see cref="PartialRows"/>): <b>packing</b>, at every run, merges the
/// partials received before the cutoff into one packed row and deletes them, reading only them; <b>merging</b>, when
/// <see cref="FoldSchedule"/> says, adds the packed rows to the settled rows and deletes them, reading the hour's
/// settled rows once for minutes of packs. So most runs' work follows the events since the last run, not the size of
/// the hour. Every step writes before it deletes, and what a row already holds is not added again, so a crash or a
/// reader at any point sees each event once.
/// </summary>
/// <remarks>
/// Compactions take a lock (<see cref="RollupCompaction"/>), but a lease can lapse under a run that stalls, so two folds
/// of one hour must still converge. Every write a fold bases on what it read is conditional on it: a pack moves the
/// coverage row by its ETag, a merge seals the coverage row by its ETag (so the packs it read are the ones there) and
/// writes each settled row by its ETag (or adds it). A fold that finds its condition broken stops where it is, as a
/// crashed one would, and leaves the hour to the next run; deletes of rows already gone count as done.
/// </remarks>
public sealed class HourFolds(StorageAccount account)
{
    /// <summary>Packed parts written in one transaction with the coverage row: a transaction holds at most 4 MiB.</summary>
    private const int MaxPackParts = 3;

    /// <summary>Packs the family's partials of <paramref name="hour"/> received before <paramref name="cutoff"/>, then merges
    /// its packs into its settled rows if they are due.</summary>
    internal async Task<FoldResult> FoldAsync<TCell>(CellFormat<TCell> format, string family, DateTimeOffset hour, FoldPosition cutoff, TimeSpan mergeEvery,
        CancellationToken cancellationToken = default) where TCell : new()
    {
        var table = await account.TableAsync(TableNames.Rollups(family, Grain.Hour), cancellationToken).ConfigureAwait(false);
        var partitionKey = RollupPartitions.Key(format.Kind, family, Grain.Hour, hour);
        var unsettled = await table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter(
            $"PartitionKey eq {partitionKey} and RowKey ge {PartialRowKey.Prefix.ToString()} and RowKey lt {"\""}"), cancellationToken: cancellationToken)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var pack = await PackAsync(table, format, partitionKey, unsettled, cutoff, cancellationToken).ConfigureAwait(false);
        // Another fold moved the hour on meanwhile: it stays marked, and the next run starts from what is there then.
        if (pack.Yielded) return new FoldResult(pack.Folded, unsettled.Count, pack.Written, pack.Deleted, Math.Max(1, pack.Remaining + pack.Packs.Count), false);
        var since = pack.Packs.Count > 0 ? pack.Packs.Min(PartialRows.PackedSinceOf).Time : (DateTimeOffset?)null;
        if (!FoldSchedule.MergeDue(hour, cutoff.Time, since, mergeEvery, pack.Full))
            return new FoldResult(pack.Folded, unsettled.Count, pack.Written, pack.Deleted, pack.Remaining + pack.Packs.Count, false);

        // The coverage row stays: a partial a stopped pack left behind is then never packed again.
        var merge = await MergeAsync(table, format, partitionKey, pack.Packs, pack.Coverage, cancellationToken).ConfigureAwait(false);
        return new FoldResult(pack.Folded, unsettled.Count + merge.RowsRead, pack.Written + merge.Written, pack.Deleted + merge.Deleted,
            merge.Yielded ? Math.Max(1, pack.Remaining + pack.Packs.Count) : pack.Remaining, !merge.Yielded);
    }

    /// <param name="Full">The open pack could not take the new partials in one transaction: they started a pack of their own.</param>
    /// <param name="Coverage">The coverage row as this fold last read or wrote it (with its ETag), if there is one.</param>
    /// <param name="Yielded">Another fold moved the coverage row first: this one wrote nothing more and deleted nothing.</param>
    private sealed record Packing(List<TableEntity> Packs, int Folded, int Written, int Deleted, int Remaining, bool Full, TableEntity? Coverage, bool Yielded);

    /// <summary>
    /// Adds the due partials' cells to the hour's open pack, rewritten under a new key in one transaction that also
    /// deletes the old one and moves the coverage row to the cutoff (so readers see one or the other, and the partials or
    /// the coverage), then deletes those partials and any a stopped pack left behind. The first pack after a merge, or
    /// one the open pack would make too big for a transaction, starts a pack of its own.
    /// </summary>
    private static async Task<Packing> PackAsync<TCell>(TableClient table, CellFormat<TCell> format, string partitionKey, List<TableEntity> unsettled,
        FoldPosition cutoff, CancellationToken cancellationToken) where TCell : new()
    {
        var coverage = unsettled.FirstOrDefault(PartialRows.IsCoverage);
        var packs = unsettled.Where(PartialRows.IsPacked).ToList();
        var coveredTo = unsettled.Select(PartialRows.CoveredToOf).DefaultIfEmpty(FoldPosition.Start).Max();
        var partials = unsettled.Where(row => !PartialRows.IsPacked(row) && !PartialRows.IsCoverage(row)).ToList();
        var covered = partials.Where(p => PartialRows.ReceivedOf(p) < coveredTo).ToList();
        var due = partials.Where(p => PartialRows.ReceivedOf(p) >= coveredTo && PartialRows.ReceivedOf(p) < cutoff).ToList();
        var remaining = partials.Count - covered.Count - due.Count;
        int folded = 0, written = 0;
        var (full, added) = (false, false);

        var sealedSince = PartialRows.SealedSinceOf(coverage);
        // False when another fold changed the coverage row since it was read (412), added it first (409), or deleted a
        // pack this one replaces (404): the transaction changed nothing, and what it would have packed is that fold's.
        async Task<bool> WriteAsync(List<TableEntity> rows, IEnumerable<TableEntity> replaced, FoldPosition to)
        {
            var next = PartialRows.Coverage(partitionKey, to, sealedSince);
            var moveCoverage = coverage is null
                ? new TableTransactionAction(TableTransactionActionType.Add, next)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, next, coverage.ETag);
            var actions = rows.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r))
                .Concat(replaced.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All))).Append(moveCoverage);
            Response<IReadOnlyList<Response>> response;
            try
            {
                response = await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            }
            catch (TableTransactionFailedException e) when (FoldConflicts.IsLost(e))
            {
                return false;
            }
            next.ETag = response.Value[^1].Headers.ETag ?? ETag.All;
            coverage = next;
            packs.AddRange(rows);
            written += rows.Count + 1;
            return true;
        }

        if (due.Count > 0 && packs.Where(p => PartialRows.PackedSinceOf(p) > sealedSince).GroupBy(PartialRows.PackedSinceOf).MaxBy(p => p.Key) is { } open)
        {
            var dueCells = due.SelectMany(PartialRows.Unpack).ToList();
            // Its latest rewrite: an earlier one is left only by a pack stopped midway, and the latest holds it.
            var latest = open.Max(PartialRows.ReceivedOf);
            var rows = PartialRows.PackCovering(partitionKey, open.Key, cutoff, Merged(format,
                open.Where(p => PartialRows.ReceivedOf(p) == latest).SelectMany(PartialRows.Unpack).Concat(dueCells)).Select(c => format.ToRow(partitionKey, c.Key, c.Value)));
            full = rows.Count > MaxPackParts;
            if (!full)
            {
                var replaced = open.ToList();
                if (!await WriteAsync(rows, replaced, cutoff).ConfigureAwait(false)) return Yield();
                packs.RemoveAll(replaced.Contains);
                (folded, added) = (dueCells.Count, true);
            }
        }
        if (!added)
            // Oldest first, each pack covering up to the next one's first partial: a later pack never covers what an earlier holds.
            foreach (var (rows, cells, to) in Packed(format, partitionKey, due, cutoff))
            {
                // Packs written before the conflict cover their partials: readers skip those, and the next run deletes them.
                if (!await WriteAsync(rows, [], to).ConfigureAwait(false)) return Yield();
                folded += cells;
            }
        var deleted = await DeleteAsync(table, covered.Concat(due), cancellationToken).ConfigureAwait(false);
        return new Packing(packs, folded, written, deleted, remaining, full, coverage, false);

        // Nothing is deleted: the due partials past what this fold packed may be covered by nothing but themselves.
        Packing Yield() => new(packs, folded, written, 0, remaining + due.Count, full, coverage, true);
    }

    /// <summary>
    /// New packs of the due partials, oldest first, each with the partial cells it holds and the time it covers up to
    /// (which is also when it starts): one, or more where one's rows would not fit a transaction with the coverage row.
    /// Partials received in the same tick stay together.
    /// </summary>
    private static IEnumerable<(List<TableEntity> Rows, int Cells, FoldPosition CoveredTo)> Packed<TCell>(CellFormat<TCell> format, string partitionKey,
        List<TableEntity> due, FoldPosition cutoff) where TCell : new()
    {
        var ticks = due.GroupBy(PartialRows.ReceivedOf).OrderBy(g => g.Key).Select(g => g.SelectMany(PartialRows.Unpack).ToList()).ToList();
        var starts = due.Select(PartialRows.ReceivedOf).Distinct().Order().ToList();
        var pending = new Stack<(int From, int To, FoldPosition CoveredTo)>();
        if (ticks.Count > 0) pending.Push((0, ticks.Count, cutoff));
        while (pending.TryPop(out var chunk))
        {
            var cells = ticks[chunk.From..chunk.To].SelectMany(t => t).ToList();
            var rows = PartialRows.PackCovering(partitionKey, chunk.CoveredTo, chunk.CoveredTo,
                Merged(format, cells).Select(c => format.ToRow(partitionKey, c.Key, c.Value)));
            if (rows.Count <= MaxPackParts || chunk.To - chunk.From == 1)
            {
                yield return (rows, cells.Count, chunk.CoveredTo);
                continue;
            }
            var middle = (chunk.From + chunk.To) / 2;
            pending.Push((middle, chunk.To, chunk.CoveredTo));
            pending.Push((chunk.From, middle, starts[middle]));
        }
    }

    private static Dictionary<RollupKey, TCell> Merged<TCell>(CellFormat<TCell> format, IEnumerable<TableEntity> cellRows) where TCell : new() =>
        HourRollup.Merge(cellRows.Select(cell => KeyValuePair.Create(RollupEntities.KeyOf(cell), format.FromRow(cell))), format.Merge);

    /// <param name="Yielded">Another fold sealed the hour or wrote a settled row first: this one stopped, as if it had crashed there.</param>
    private sealed record Merging(int RowsRead, int Written, int Deleted, bool Yielded = false);

    /// <summary>Adds the packs' cells to the settled rows (which then say they hold every partial before the last pack's time), then deletes the packs.</summary>
    private static async Task<Merging> MergeAsync<TCell>(TableClient table, CellFormat<TCell> format, string partitionKey, List<TableEntity> packs,
        TableEntity? coverage, CancellationToken cancellationToken) where TCell : new()
    {
        // Sealed first, and only if the coverage row is as this fold left it: then the packs it read are the hour's packs
        // (every rewrite of a pack moves the coverage row), and none is added to from here on. A merge stopped before
        // deleting its packs leaves them closed, and new partials start a pack of their own.
        try
        {
            await table.UpdateEntityAsync(new TableEntity(partitionKey, PartialRowKey.Coverage) { [PartialRows.SealedSince] = packs.Max(PartialRows.PackedSinceOf).Ticks },
                coverage?.ETag ?? ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return new Merging(0, 0, 0, Yielded: true);
        }

        var settled = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {"0"}"),
                           cancellationToken: cancellationToken).ConfigureAwait(false))
            settled[row.RowKey] = row;
        var foldedTo = packs.Max(PartialRows.CoveredToOf);
        var cells = new Dictionary<string, (RollupKey Key, TCell Cell)>(StringComparer.Ordinal);
        // A pack a stopped merge left behind is in its settled rows already: Pending skips it.
        foreach (var part in PartialRows.Pending(packs, (_, rowKey) => settled.TryGetValue(rowKey, out var row) ? RollupEntities.FoldedToOf(row) : FoldPosition.Start))
        {
            if (!cells.TryGetValue(part.RowKey, out var cell))
                cells[part.RowKey] = cell = (RollupEntities.KeyOf(part), settled.TryGetValue(part.RowKey, out var row) ? format.FromRow(row) : new TCell());
            format.Merge(cell.Cell, format.FromRow(part));
        }
        // Each row by the ETag it was read with (or added, if there was none): a row another merge wrote since holds what
        // this one would add, or more, and is never overwritten with less. The first conflict stops this merge.
        var rows = cells.Values.Select(c => RollupEntities.Settled(format.ToRow(partitionKey, c.Key, c.Cell), Grain.Hour, foldedTo));
        foreach (var transaction in rows.Select(r => settled.TryGetValue(r.RowKey, out var read)
                         ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, r, read.ETag)
                         : new TableTransactionAction(TableTransactionActionType.Add, r)).Chunk(StorageAccount.MaxTransactionActions))
            try
            {
                await table.SubmitTransactionAsync(transaction, cancellationToken).ConfigureAwait(false);
            }
            catch (TableTransactionFailedException e) when (FoldConflicts.IsLost(e))
            {
                return new Merging(settled.Count, 0, 0, Yielded: true);
            }
        var deleted = await DeleteAsync(table, packs, cancellationToken).ConfigureAwait(false);
        return new Merging(settled.Count, cells.Count, deleted);
    }

    private static Task<int> DeleteAsync(TableClient table, IEnumerable<TableEntity> rows, CancellationToken cancellationToken) =>
        RowDeletes.DeleteAsync(table, rows, cancellationToken);
}
