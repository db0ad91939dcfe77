using Metrics.Functions.Exports;
using Metrics.LocalHost;
using Metrics.Rollups;
using Metrics.Storage;
using Metrics.Tests.Shared;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Functions.Tests;

/// <summary>
/// The real app as it runs under the Functions host: Metrics.LocalHost in this process, the worker in a process of its
/// own, each test app with its own table prefix on the test run's Azurite. Tests talk to it over HTTP and read what it
/// stored straight from storage, through <see cref="Services"/>: the product's stores, on the same storage and clock.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    public const string IngestKey = "test-ingest-key";
    public const string AdminKey = "test-admin-key";
    public const string FinanceKey = "test-finance-key";
    public const string Site = "site_test";
    public const string Origin = "https://app.example.com";
    public const string CountryHeader = "X-Test-Country";
    public const string BrowserUserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";

    /// <summary>The timer functions, which tests run when they choose (<c>POST /admin/functions/{name}</c>), never on their schedules.</summary>
    public static readonly IReadOnlyList<string> Timers = ["RollupCompaction", "NightlyAggregation"];

    private readonly LocalFunctionsHost _host;
    private readonly ServiceProvider _services;
    private readonly string _contentRoot;

    private TestApp(LocalFunctionsHost host, ServiceProvider services, string contentRoot, SharedClock? time)
    {
        Time = time;
        _host = host;
        _services = services;
        _contentRoot = contentRoot;
        Client = new HttpClient { BaseAddress = host.Address };
    }

    public HttpClient Client { get; }
    public LocalFunctionsHost Host => _host;
    public IServiceProvider Services => _services;
    public StorageAccount Storage => _services.GetRequiredService<StorageAccount>();

    /// <summary>The app's clock, when the test gave it one.</summary>
    public SharedClock? Time { get; }

    /// <summary>
    /// Moves a test's standing clock on by one tick, as real time moves between one request and the next: compaction
    /// folds the partials received before its own time, so those received at the very same tick wait for the next run.
    /// </summary>
    public void Tick() => Time?.Advance(TimeSpan.FromTicks(1));

    /// <param name="time">The clock of the app's functions (and of <see cref="Services"/>); the system's when null.</param>
    public static async Task<TestApp> StartAsync(string connectionString, IDictionary<string, string?>? settings = null, SharedClock? time = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["Storage:Prefix"] = SharedAzurite.UniquePrefix(),
            ["Ingest:Keys"] = IngestKey,
            ["Ingest:CountryHeader"] = CountryHeader,
            ["Sites:0:Key"] = Site,
            ["Sites:0:Origins"] = Origin,
            ["Auth:AdminKeys"] = AdminKey,
            ["Auth:FinanceKeys"] = FinanceKey,
            ["Logging:LogLevel:Default"] = "Warning",
            // What a timer run logs comes back with it (TimerCalls); only what is logged is sent.
            ["Logging:LogLevel:Metrics.Functions.Timers"] = "Information",
        };
        foreach (var timer in Timers) values[Metrics.LocalHost.Settings.AppSettings.DisabledSetting(timer)] = "true";
        if (time is not null)
        {
            values["Testing:ClockFile"] = time.Path;
            // A clock that stands still between requests: partials are due for folding as soon as they are written.
            values["Storage:FoldDelay"] = "00:00:00";
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key] = value;

        // A content root of its own: no developer's local.settings.json leaks into a test.
        var contentRoot = Directory.CreateTempSubdirectory("metrics-app-").FullName;
        var host = await LocalFunctionsHost.StartAsync(["--urls", "http://127.0.0.1:0", "--environment", "Testing", "--contentRoot", contentRoot],
            values, time);
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build())
            .AddSingleton<TimeProvider>(time ?? TimeProvider.System)
            .AddMetricsStorage()
            .AddRollups()
            .AddExports()
            .BuildServiceProvider();
        return new TestApp(host, services, contentRoot, time);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _host.DisposeAsync();
        await _services.DisposeAsync();
        Directory.Delete(_contentRoot, recursive: true);
    }
}
