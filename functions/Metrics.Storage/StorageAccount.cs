using System.Collections.Concurrent;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace Metrics.Storage;

/// <summary>
/// The storage account: Microsoft's Table and Blob clients, configured once (a singleton), with
/// bounded exponential retries, and tables created on first use.
/// </summary>
public sealed class StorageAccount
{
    /// <summary>Operations one entity-group transaction may hold (all of one partition, under 4 MiB).</summary>
    public const int MaxTransactionActions = 100;

    private readonly ConcurrentDictionary<string, Lazy<Task<TableClient>>> _tables = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<BlobContainerClient>>> _containers = new();
    private readonly string _prefix;

    public StorageAccount(StorageOptions options, TokenCredential? credential = null)
    {
        _prefix = options.Prefix;
        var tableOptions = Configure(new TableClientOptions());
        var blobOptions = Configure(new BlobClientOptions(BlobClientOptions.ServiceVersion.V2025_01_05));
        // Per retry: every HTTP request to storage is timed and traced, including the retried ones.
        tableOptions.AddPolicy(StorageTelemetry.PolicyFor("table", Calls), HttpPipelinePosition.PerRetry);
        blobOptions.AddPolicy(StorageTelemetry.PolicyFor("blob", Calls), HttpPipelinePosition.PerRetry);
        if (options.ConnectionString is { Length: > 0 } connection || options.AccountName is null)
        {
            connection = options.ConnectionString is { Length: > 0 } given ? given : StorageOptions.DevelopmentStorage;
            TableService = new TableServiceClient(connection, tableOptions);
            BlobService = new BlobServiceClient(connection, blobOptions);
        }
        else
        {
            credential ??= new DefaultAzureCredential();
            TableService = new TableServiceClient(new Uri($"https://{options.AccountName}.table.core.windows.net"), credential, tableOptions);
            BlobService = new BlobServiceClient(new Uri($"https://{options.AccountName}.blob.core.windows.net"), credential, blobOptions);
        }
    }

    public TableServiceClient TableService { get; }
    public StorageCallStats Calls { get; } = new();
    public BlobServiceClient BlobService { get; }

    /// <summary>The table, created if it does not exist yet. A failed creation is tried again next call.</summary>
    public Task<TableClient> TableAsync(string name, CancellationToken cancellationToken = default) =>
        OnFirstUse(_tables, _prefix + name, async fullName =>
        {
            var table = TableService.GetTableClient(fullName);
            await table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            return table;
        });

    /// <summary>The table's client without creating it: for reads that treat a missing table as empty.</summary>
    public TableClient ExistingTable(string name) => TableService.GetTableClient(_prefix + name);

    /// <summary>
    /// The names (without the prefix) of the tables whose names start with <paramref name="namePrefix"/>: one listing,
    /// by a range on the name, so its cost follows the number of tables, never their rows.
    /// </summary>
    public async Task<List<string>> TableNamesAsync(string namePrefix, CancellationToken cancellationToken = default)
    {
        var from = _prefix + namePrefix;
        // '~' sorts after every character a table name may hold (letters and digits).
        var filter = TableServiceClient.CreateQueryFilter($"TableName ge {from} and TableName lt {from + "~"}");
        var names = new List<string>();
        await foreach (var table in TableService.QueryAsync(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            if (table.Name.StartsWith(from, StringComparison.Ordinal)) names.Add(table.Name[_prefix.Length..]);
        return names;
    }

    /// <summary>Deletes the table and every row in it in one request (a missing table is success), and forgets it was created.</summary>
    public async Task DeleteTableAsync(string name, CancellationToken cancellationToken = default)
    {
        _tables.TryRemove(_prefix + name, out _);
        try
        {
            await TableService.DeleteTableAsync(_prefix + name, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Gone already: another run deleted it.
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the table. If the table has vanished since it was created (deleted
    /// by hand, or an emulator restarted empty), creates it again and runs the work once more.
    /// </summary>
    public async Task WithTableAsync(string name, Func<TableClient, Task> work, CancellationToken cancellationToken = default)
    {
        try
        {
            await work(await TableAsync(name, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.ErrorCode == "TableNotFound")
        {
            _tables.TryRemove(_prefix + name, out _);
            await work(await TableAsync(name, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        }
    }

    /// <summary>The blob container, created if it does not exist yet.</summary>
    public Task<BlobContainerClient> ContainerAsync(string name, CancellationToken cancellationToken = default) =>
        OnFirstUse(_containers, (_prefix + name).ToLowerInvariant(), async fullName =>
        {
            var container = BlobService.GetBlobContainerClient(fullName);
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return container;
        });

    /// <summary>Whether the table service answers at all (for the health function).</summary>
    public async Task PingAsync(CancellationToken cancellationToken = default)
    {
        await foreach (var _ in TableService.QueryAsync(maxPerPage: 1, cancellationToken: cancellationToken).AsPages(pageSizeHint: 1).ConfigureAwait(false))
            break;
    }

    private static T Configure<T>(T options) where T : ClientOptions
    {
        // Few, quick retries: an ingest call is answered within seconds, with 503 + Retry-After if storage is down.
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 3;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        return options;
    }

    private static async Task<T> OnFirstUse<T>(ConcurrentDictionary<string, Lazy<Task<T>>> cache, string name, Func<string, Task<T>> create)
    {
        var lazy = cache.GetOrAdd(name, n => new Lazy<Task<T>>(() => create(n)));
        try
        {
            return await lazy.Value.ConfigureAwait(false);
        }
        catch
        {
            cache.TryRemove(new KeyValuePair<string, Lazy<Task<T>>>(name, lazy));
            throw;
        }
    }
}
