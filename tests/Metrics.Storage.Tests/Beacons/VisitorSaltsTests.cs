using Azure.Data.Tables;
using Metrics.Storage.Beacons;
using Metrics.Tests.Shared;

namespace Metrics.Storage.Tests.Beacons;

[Collection(AzuriteCollection.Name)]
public sealed class VisitorSaltsTests(SharedAzurite azurite)
{
    [Fact]
    public async Task Every_instance_gets_the_same_visitor_salt_for_a_day_and_yesterdays_is_deleted()
    {
        var options = azurite.NewStorageOptions();
        var first = new VisitorSalts(new StorageAccount(options));
        var second = new VisitorSalts(new StorageAccount(options));
        var yesterday = new DateOnly(2026, 11, 23);

        var old = await first.ForDayAsync(yesterday);
        var today = await first.ForDayAsync(yesterday.AddDays(1));

        Assert.Equal(today, await second.ForDayAsync(yesterday.AddDays(1)));
        Assert.NotEqual(old, today);
        var table = await new StorageAccount(options).TableAsync(VisitorSalts.Table);
        Assert.Equal(["20261124"], (await table.QueryAsync<TableEntity>().ToListAsync()).Select(r => r.RowKey));
    }
}
