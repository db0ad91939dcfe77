using Azure.Data.Tables;
using Metrics.Core.Ingestion;
using Metrics.Core.Rollups;
using Metrics.Tests.Shared;

namespace Metrics.Rollups.Tests.Tables;

/// <summary>
/// Queries over a live hour keep the partials' cells they read, by row and version: each reads again only what was
/// written or packed since the one before, and still answers exactly.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PartialRowCacheTests(SharedAzurite azurite)
{
    private static readonly DateTimeOffset Hour = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    private const string Family = Families.Endpoint;

    [Fact]
    public async Task A_query_reads_only_the_partials_and_packs_no_query_read_before_and_answers_exactly()
    {
        var storage = azurite.NewStorage();
        var store = new RollupStore(storage, new PartialRowCache());
        var folds = new HourFolds(storage);
        var sent = new List<RequestEvent>();
        async Task SendAsync(int batch)
        {
            var events = Enumerable.Range(batch * 40, 40).Select(i => Events.Request(i, Hour.AddSeconds(i))).ToList();
            sent.AddRange(events);
            await store.WritePartialsAsync(CellFormats.Requests, Family, Hour, Received(batch), Guid.NewGuid(),
                HourRollup.Of(events).Where(c => c.Key.Family == Family));
        }
        // Storage requests the query made, after checking its answer against the events sent.
        async Task<long> QueryAsync()
        {
            var before = storage.Calls.TotalRequests;
            var rows = await store.ReadAsync(CellFormats.Requests, Family, Grain.Hour, Hour, Hour).ToListAsync();
            var requests = storage.Calls.TotalRequests - before;
            AssertExact(sent, rows);
            return requests;
        }

        foreach (var batch in new[] { 0, 1, 2 }) await SendAsync(batch);
        Assert.Equal(2, await QueryAsync()); // the scan, then the three partials' cells
        Assert.Equal(1, await QueryAsync()); // the scan alone

        await SendAsync(3);
        Assert.Equal(2, await QueryAsync());
        Assert.Equal(1, await QueryAsync());

        // Packed: the pack is new, the partials it took are gone from the scan.
        await folds.FoldAsync(CellFormats.Requests, Family, Hour, Received(3).Next, mergeEvery: TimeSpan.FromHours(1));
        await SendAsync(4);
        Assert.Equal(2, await QueryAsync());
        Assert.Equal(1, await QueryAsync());

        // Merged into the settled rows: the last partial is the only one left.
        await folds.FoldAsync(CellFormats.Requests, Family, Hour, Received(4), mergeEvery: TimeSpan.Zero);
        Assert.Equal(1, await QueryAsync());
    }

    [Fact]
    public async Task A_row_rewritten_or_deleted_after_the_scan_listed_it_is_never_answered_from_another_version()
    {
        var storage = azurite.NewStorage();
        var store = new RollupStore(storage, new PartialRowCache());
        var cache = new PartialRowCache();
        var events = Enumerable.Range(0, 30).Select(i => Events.Request(i, Hour.AddSeconds(i))).ToList();
        foreach (var (batch, skip, take) in new[] { (0, 0, 20), (1, 20, 10) })
            await store.WritePartialsAsync(CellFormats.Requests, Family, Hour, Received(batch), Guid.NewGuid(),
                HourRollup.Of(events.Skip(skip).Take(take)).Where(c => c.Key.Family == Family));
        var table = await storage.TableAsync(TableNames.Rollups(Family, Grain.Hour));
        async Task<List<TableEntity>> ListAsync() => await table.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]).ToListAsync();
        static long Requests(IEnumerable<TableEntity> cells) => cells.Sum(cell => cell.GetInt64("Requests") ?? 0);

        var listed = await ListAsync();
        Assert.Equal([20, 10], listed.Select((await cache.CellsAsync(table, listed, CancellationToken.None))!).Select(Requests));

        // The first row rewritten with the second's cells: the version listed is gone, and a listing of the new one gets it.
        var second = (await table.GetEntityAsync<TableEntity>(listed[1].PartitionKey, listed[1].RowKey)).Value;
        var rewritten = new TableEntity(listed[0].PartitionKey, listed[0].RowKey);
        foreach (var column in PartialRows.Columns.Where(second.ContainsKey)) rewritten[column] = second[column];
        await table.UpsertEntityAsync(rewritten, TableUpdateMode.Replace);
        Assert.Null(await new PartialRowCache().CellsAsync(table, listed, CancellationToken.None));
        var relisted = await ListAsync();
        Assert.Equal([10, 10], relisted.Select((await cache.CellsAsync(table, relisted, CancellationToken.None))!).Select(Requests));

        // Deleted after the listing, and not kept: nothing stands in for it.
        await table.DeleteEntityAsync(relisted[1].PartitionKey, relisted[1].RowKey);
        Assert.Null(await new PartialRowCache().CellsAsync(table, relisted, CancellationToken.None));
    }

    private static FoldPosition Received(int batch) => FoldPosition.At(Hour.AddMinutes(1 + batch));

    private static void AssertExact(IEnumerable<RequestEvent> sent, IEnumerable<RollupRow<RequestCell>> rows)
    {
        var expected = HourRollup.Of(sent).Where(c => c.Key.Family == Family).ToDictionary();
        var answered = new Dictionary<RollupKey, RequestCell>();
        foreach (var row in rows)
            if (answered.TryGetValue(row.Key, out var cell)) cell.Merge(row.Cell);
            else answered[row.Key] = row.Cell;
        Assert.Equal(expected.Count, answered.Count);
        foreach (var (key, cell) in expected)
            Assert.Equal((cell.Requests, cell.ServerErrors, cell.DurationMicros, cell.Users.Estimate()),
                (answered[key].Requests, answered[key].ServerErrors, answered[key].DurationMicros, answered[key].Users.Estimate()));
    }
}
