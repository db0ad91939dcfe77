using Azure.Data.Tables;
using Metrics.Rollups;
using Metrics.Storage;

namespace Metrics.Functions.Tests;

/// <summary>Reads back what the app stored, straight from its tables.</summary>
internal static class StoredRows
{
    /// <summary>
    /// Every row of the table. For a raw table's name (<see cref="TableNames.RequestEvents"/>, <see cref="TableNames.UsageEvents"/>):
    /// every raw row of that kind, from all its day tables and the legacy single table.
    /// </summary>
    public static async Task<List<TableEntity>> AllAsync(this StorageAccount storage, string table)
    {
        var names = table is TableNames.RequestEvents or TableNames.UsageEvents ? await storage.TableNamesAsync(table) : [table];
        var rows = new List<TableEntity>();
        foreach (var name in names)
        {
            var client = await storage.TableAsync(name);
            await foreach (var row in client.QueryAsync<TableEntity>()) rows.Add(row);
        }
        return rows;
    }
}
