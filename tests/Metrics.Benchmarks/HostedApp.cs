using Metrics.LocalHost;
using Metrics.LocalHost.Settings;
using Metrics.Rollups.Compaction;
using Metrics.Storage;
using Metrics.Tests.Shared;

namespace Metrics.Benchmarks;

/// <summary>
/// The real app as it runs under the Functions host: Metrics.LocalHost in this process on a free port, the worker in a
/// process of its own, configured as the functions tests do it: its own table prefix on the given storage, timers
/// only when asked, logging at Warning.
/// </summary>
internal sealed class HostedApp : IAsyncDisposable
{
    private readonly LocalFunctionsHost _host;
    private readonly string _contentRoot;

    private HostedApp(LocalFunctionsHost host, string contentRoot, StorageAccount storage)
    {
        _host = host;
        _contentRoot = contentRoot;
        Storage = storage;
    }

    /// <summary>The admin API key every benchmark app accepts (<c>Auth:AdminKeys</c>).</summary>
    public const string AdminKey = "bench-admin";

    public Uri Address => _host.Address;

    /// <summary>The app's storage, as this process sees it (the worker has its own clients on the same account).</summary>
    public StorageAccount Storage { get; }

    /// <summary>The worker's process, where the functions run: its CPU time and memory are the app's.</summary>
    public int WorkerProcessId => _host.WorkerProcessId;

    public static async Task<HostedApp> StartAsync(string connectionString, string prefix, string ingestKey, int shards,
        IReadOnlyDictionary<string, string?>? extraSettings = null, SharedClock? time = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["Storage:Prefix"] = prefix,
            ["Storage:Shards"] = shards.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Ingest:Keys"] = ingestKey,
            [AppSettings.DisabledSetting("RollupCompaction")] = "true",
            [AppSettings.DisabledSetting("NightlyAggregation")] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Auth:AdminKeys"] = AdminKey,
        };
        if (time is not null) settings["Testing:ClockFile"] = time.Path;
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>()) settings[key] = value;
        // A content root of its own: no developer's local.settings.json changes what is measured.
        var contentRoot = Directory.CreateTempSubdirectory("metrics-bench-").FullName;
        var environment = time is null ? "Benchmark" : "Testing";
        var host = await LocalFunctionsHost.StartAsync(["--urls", "http://127.0.0.1:0", "--environment", environment, "--contentRoot", contentRoot],
            settings, time);
        return new HostedApp(host, contentRoot, new StorageAccount(new StorageOptions { ConnectionString = connectionString, Prefix = prefix }));
    }

    /// <summary>A client that calls the app as an admin, with no timeout: a benchmark step may take many minutes.</summary>
    public HttpClient CreateAdminClient()
    {
        var http = new HttpClient { BaseAddress = Address, Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminKey);
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_contentRoot, recursive: true);
    }
}
