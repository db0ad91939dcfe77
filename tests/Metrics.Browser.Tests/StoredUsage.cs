using System.Diagnostics;
using Azure.Data.Tables;
using Metrics.Functions.Tests;
using Metrics.Rollups;
using Metrics.Storage;

namespace Metrics.Browser.Tests;

/// <summary>The usage rows a browser's beacons became, read back from the app's storage.</summary>
internal static class StoredUsage
{
    /// <summary>Beacons arrive when the browser sends them: polls the table, bounded, until at least <paramref name="count"/> rows are there.</summary>
    public static async Task<List<TableEntity>> RowsAsync(this TestApp app, int count, TimeSpan wait)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var rows = await app.Storage.AllAsync(TableNames.UsageEvents);
            if (rows.Count >= count) return rows;
            if (waited.Elapsed > wait)
                Assert.Fail($"Only {rows.Count} of {count} usage events were stored after {wait.TotalSeconds} s: " +
                    string.Join(", ", rows.Take(20).Select(r => $"{r.GetString("Type")} {r.GetString("Page")}")));
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }
}
