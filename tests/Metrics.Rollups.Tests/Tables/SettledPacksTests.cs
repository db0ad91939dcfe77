using Azure.Data.Tables;
using Metrics.Core.Ingestion;
using Metrics.Core.Rollups;
using Metrics.Tests.Shared;

namespace Metrics.Rollups.Tests.Tables;

/// <summary>Days and weeks as packs (<see cref="SettledPacks"/>): few rows, every cell back as written, never a mix of two writes.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SettledPacksTests(SharedAzurite azurite)
{
    private static readonly DateTimeOffset Day = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
    private static readonly string PartitionKey = RollupPartitions.Key(EventKind.Requests, Families.User, Grain.Day, Day);

    [Fact]
    public async Task A_day_of_60000_users_is_a_few_rows_and_reads_back_every_cell()
    {
        var cells = UserCells(60_000, "a");
        var (storage, store) = New();

        var (written, _) = await store.ReplaceAsync(CellFormats.Requests, Families.User, Grain.Day, Day, cells, FoldPosition.End);

        var rows = await RowsAsync(storage);
        Assert.Equal(written, rows.Count);
        // A pack is cut at 768 KiB before compression, so that it fits an entity whatever compresses: 60,000 cells of
        // about 420 bytes each (their column names included) make 33 packs.
        Assert.InRange(rows.Count, 2, 40);
        Assert.All(rows, row => Assert.True(SettledPacks.Is(row)));
        await AssertReadsAsync(store, cells);
    }

    [Fact]
    public async Task A_rewrite_stopped_before_its_last_pack_leaves_the_answer_before_it()
    {
        var (storage, store) = New();
        var before = UserCells(60_000, "a");
        await store.ReplaceAsync(CellFormats.Requests, Families.User, Grain.Day, Day, before, FoldPosition.End);
        var after = UserCells(60_000, "b");
        var packs = SettledPacks.Pack(PartitionKey, SettledPacks.NextGeneration(await RowsAsync(storage)), Settled(after));
        Assert.True(packs.Count >= 2);
        var table = await storage.TableAsync(TableNames.Rollups(Families.User, Grain.Day));

        foreach (var pack in packs.SkipLast(1)) await table.UpsertEntityAsync(pack, TableUpdateMode.Replace);
        await AssertReadsAsync(store, before);

        await table.UpsertEntityAsync(packs[^1], TableUpdateMode.Replace);
        await AssertReadsAsync(store, after);
    }

    [Fact]
    public async Task A_day_written_a_row_per_key_before_packs_is_read_until_its_packs_are_whole_and_then_replaced()
    {
        var (storage, store) = New();
        var perKey = UserCells(300, "a");
        var table = await storage.TableAsync(TableNames.Rollups(Families.User, Grain.Day));
        foreach (var row in Settled(perKey)) await table.UpsertEntityAsync(row, TableUpdateMode.Replace);
        await AssertReadsAsync(store, perKey);

        // Packs written beside them, as a rewrite does before it deletes the rows before it: the packs alone count.
        var packed = UserCells(200, "b");
        foreach (var pack in SettledPacks.Pack(PartitionKey, 1, Settled(packed))) await table.UpsertEntityAsync(pack, TableUpdateMode.Replace);
        await AssertReadsAsync(store, packed);

        var (_, deleted) = await store.ReplaceAsync(CellFormats.Requests, Families.User, Grain.Day, Day, perKey, FoldPosition.End);
        Assert.Equal(300 + 1, deleted);
        Assert.Single(await RowsAsync(storage));
        await AssertReadsAsync(store, perKey);
    }

    private (StorageAccount Storage, RollupStore Store) New()
    {
        var storage = azurite.NewStorage();
        return (storage, new RollupStore(storage, new PartialRowCache()));
    }

    private static Dictionary<RollupKey, RequestCell> UserCells(int users, string prefix) =>
        HourRollup.Of(Enumerable.Range(0, users).Select(i => Events.Request(i, Day.AddSeconds(i % 86_400)) with { UserId = $"{prefix}-user-{i:D6}" }))
            .Where(c => c.Key.Family == Families.User).ToDictionary();

    private static IEnumerable<TableEntity> Settled(Dictionary<RollupKey, RequestCell> cells) =>
        cells.Select(c => RollupEntities.From(PartitionKey, c.Key, c.Value));

    private static async Task<List<TableEntity>> RowsAsync(StorageAccount storage) =>
        await (await storage.TableAsync(TableNames.Rollups(Families.User, Grain.Day))).QueryAsync<TableEntity>(_ => true).ToListAsync();

    private static async Task AssertReadsAsync(RollupStore store, Dictionary<RollupKey, RequestCell> cells)
    {
        var read = await store.ReadAsync(CellFormats.Requests, Families.User, Grain.Day, Day, Day).ToListAsync();
        Assert.Equal(cells.Count, read.Count);
        foreach (var row in read)
            Assert.Equal((RollupStoreTests.Measures(cells[row.Key]), cells[row.Key].Users.Estimate()), (RollupStoreTests.Measures(row.Cell), row.Cell.Users.Estimate()));
    }
}
