using Azure.Data.Tables;
using Metrics.Storage;

namespace Metrics.Functions.Tests;

/// <summary>Reads back what the app stored, straight from its tables.</summary>
internal static class StoredRows
{
    public static async Task<List<TableEntity>> AllAsync(this StorageAccount storage, string table)
    {
        var client = await storage.TableAsync(table);
        var rows = new List<TableEntity>();
        await foreach (var row in client.QueryAsync<TableEntity>()) rows.Add(row);
        return rows;
    }
}
