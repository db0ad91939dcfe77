using Azure.Data.Tables;
using Metrics.Core.Ingestion;
using Metrics.Core.Rollups;

namespace Metrics.Rollups.Tests;

/// <summary>Where a first write stopped: each step leaves what the steps before it stored.</summary>
public enum StoppedAfter { SomeRawRows, RawRows, SomePartials, Partials, Markers, Complete }

/// <summary>Writes that stopped midway, made from complete ones by removing what their later steps stored.</summary>
internal static class StoppedWrites
{
    /// <summary>Removes what a complete write stored after the given step: as if it had stopped there.</summary>
    /// <param name="markedHour">The hour whose marker only this write left, removed with it; none when other writes marked its hours too.</param>
    public static async Task StopAfterAsync(RollupEngine parts, string batchId, StoppedAfter step, DateTimeOffset? markedHour)
    {
        if (step == StoppedAfter.Complete) return;
        foreach (var name in await parts.Storage.TableNamesAsync(TableNames.Batches))
        {
            var ledger = await parts.Storage.TableAsync(name);
            await foreach (var row in ledger.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {batchId}")))
                await ledger.DeleteEntityAsync(row);
        }
        if (step == StoppedAfter.Markers) return;
        if (markedHour is { } hour)
            await (await parts.Storage.TableAsync(TableNames.DirtyHours)).DeleteEntityAsync(EventKind.Requests.Name(), HourBucket.Key(hour));
        if (step == StoppedAfter.Partials) return;
        var families = Families.RequestFamilies.Where((_, i) => step != StoppedAfter.SomePartials || i % 2 == 0);
        foreach (var family in families)
        {
            var table = await parts.Storage.TableAsync(TableNames.Rollups(family, Grain.Hour));
            await foreach (var row in table.QueryAsync<TableEntity>(e => true))
                if (PartialRows.Is(row) && row.RowKey.Contains(batchId, StringComparison.Ordinal)) await table.DeleteEntityAsync(row);
        }
        if (step != StoppedAfter.SomeRawRows) return;
        foreach (var name in await parts.Storage.TableNamesAsync(TableNames.RequestEvents))
        {
            var raw = await parts.Storage.TableAsync(name);
            await foreach (var row in raw.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"BatchId eq {batchId}")))
                if (row.RowKey[^1] % 2 == 0) await raw.DeleteEntityAsync(row);
        }
    }
}
