using Metrics.Core.Ingestion;
using Metrics.Core.Rollups;
using Metrics.Tests.Shared;

namespace Metrics.Rollups.Tests.Tables;

[Collection(AzuriteCollection.Name)]
public sealed class RollupStoreTests(SharedAzurite azurite)
{
    private static readonly DateTimeOffset Hour = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> RequestFamilies => [.. Families.RequestFamilies];

    public static TheoryData<string> UsageFamilies => [.. Families.UsageFamilies];

    [Theory]
    [MemberData(nameof(RequestFamilies))]
    public async Task Request_rows_read_without_distinct_counts_keep_every_other_measure(string family)
    {
        var cells = HourRollup.Of(Enumerable.Range(0, 200).Select(i => Events.Request(i, Hour.AddSeconds(i))))
            .Where(c => c.Key.Family == family).ToDictionary();
        foreach (var grain in Enum.GetValues<Grain>())
        {
            var (full, lean) = await WriteAndReadBothWaysAsync(CellFormats.Requests, family, grain, cells);

            Assert.Equal(cells.Count, lean.Count);
            foreach (var (key, cell) in full)
            {
                Assert.True(cell.Users.Estimate() > 0);
                Assert.Equal(0, lean[key].Users.Estimate());
                Assert.Equal(Measures(cell), Measures(lean[key]));
            }
        }
    }

    [Theory]
    [MemberData(nameof(UsageFamilies))]
    public async Task Usage_rows_read_without_distinct_counts_keep_every_other_measure(string family)
    {
        var events = Enumerable.Range(0, 50).Select(i => new UsageEvent($"u-{i}", "site", UsageEventTypes.PageView, Hour.AddSeconds(i),
            $"/page-{i % 3}", null, null, $"user-{i % 7}", $"visitor-{i % 11}", null, "DE", null));
        var cells = HourRollup.Of(events).Where(c => c.Key.Family == family).ToDictionary();
        foreach (var grain in Enum.GetValues<Grain>())
        {
            var (full, lean) = await WriteAndReadBothWaysAsync(CellFormats.Usage, family, grain, cells);

            Assert.Equal(cells.Count, lean.Count);
            foreach (var (key, cell) in full)
            {
                Assert.True(cell.Visitors.Estimate() > 0 && cell.Users.Estimate() > 0);
                Assert.Equal((0L, 0L), (lean[key].Visitors.Estimate(), lean[key].Users.Estimate()));
                Assert.Equal((cell.Events, cell.LastEventAt), (lean[key].Events, lean[key].LastEventAt));
            }
        }
    }

    /// <summary>
    /// A write is one partial row per family and hour, whatever keys it touches; one too large for an entity is cut into
    /// rows of its own, each within the store's limits, and a reader gets every cell back as it was.
    /// </summary>
    [Theory]
    [InlineData(700, 1)]
    [InlineData(60_000, 2)]
    public async Task A_write_is_one_partial_row_per_family_and_hour_and_reads_back_every_cell(int users, int atLeastRows)
    {
        var events = Enumerable.Range(0, users).Select(i => Events.Request(i, Hour) with { UserId = $"user-{i:D6}-{Guid.NewGuid():N}" });
        var cells = HourRollup.Of(events).Where(c => c.Key.Family == Families.User).ToDictionary();
        var storage = azurite.NewStorage();
        var store = new RollupStore(storage, new PartialRowCache());

        await store.WritePartialsAsync(CellFormats.Requests, Families.User, Hour, FoldPosition.At(Hour), Guid.NewGuid(), cells);

        var table = await storage.TableAsync(TableNames.Rollups(Families.User, Grain.Hour));
        var rows = await table.QueryAsync<Azure.Data.Tables.TableEntity>(_ => true).ToListAsync();
        Assert.All(rows, row => Assert.True(PartialRows.Is(row)));
        Assert.InRange(rows.Count, atLeastRows, atLeastRows == 1 ? 1 : int.MaxValue);
        var read = await store.ReadAsync(CellFormats.Requests, Families.User, Grain.Hour, Hour, Hour).ToListAsync();
        Assert.Equal(cells.Count, read.Count);
        foreach (var row in read)
            Assert.Equal((Measures(cells[row.Key]), cells[row.Key].Users.Estimate()), (Measures(row.Cell), row.Cell.Users.Estimate()));
    }

    private async Task<(Dictionary<RollupKey, TCell> Full, Dictionary<RollupKey, TCell> Lean)> WriteAndReadBothWaysAsync<TCell>(
        CellFormat<TCell> format, string family, Grain grain, Dictionary<RollupKey, TCell> cells) where TCell : new()
    {
        // Hours are rows per key, days and weeks packs: either way the sketches can be left unread.
        var store = new RollupStore(azurite.NewStorage(), new PartialRowCache());
        var start = grain == Grain.Week ? RollupCalendar.WeekOf(Hour) : grain == Grain.Day ? RollupCalendar.DayOf(Hour) : Hour;
        await store.ReplaceAsync(format, family, grain, start, cells, FoldPosition.End);
        var full = await store.ReadAsync(format, family, grain, start, start).ToDictionaryAsync(r => r.Key, r => r.Cell);
        var lean = await store.ReadAsync(format, family, grain, start, start, distinctCounts: false).ToDictionaryAsync(r => r.Key, r => r.Cell);
        return (full, lean);
    }

    /// <summary>Every stored column of a request cell but its users sketch.</summary>
    internal static string Measures(RequestCell cell)
    {
        var row = RollupEntities.From("p", RollupKey.Of(Families.Service, "s", "m"), cell);
        row.Remove("Users");
        return string.Join(';', row.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={(p.Value is byte[] bytes ? Convert.ToHexString(bytes) : p.Value)}"));
    }
}
