using Metrics.Functions.Hosting;
using Metrics.Storage;
using Metrics.Tests.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Metrics.Functions.Tests;

/// <summary>
/// The real handler on a real Kestrel port, with its own table prefix on the test run's Azurite.
/// Tests talk to it over HTTP and read what it stored straight from storage.
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

    private readonly WebApplication _app;

    private TestApp(WebApplication app, Uri address)
    {
        _app = app;
        Client = new HttpClient { BaseAddress = address };
    }

    public HttpClient Client { get; }
    public IServiceProvider Services => _app.Services;
    public StorageAccount Storage => _app.Services.GetRequiredService<StorageAccount>();

    public static async Task<TestApp> StartAsync(string connectionString, IDictionary<string, string?>? settings = null, TimeProvider? time = null)
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
            ["Timers:RunLocally"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key] = value;

        // A content root of its own: no developer's local.settings.json leaks into a test.
        var contentRoot = Directory.CreateTempSubdirectory("metrics-app-").FullName;
        var app = MetricsApp.Create(["--urls", "http://127.0.0.1:0", "--environment", "Testing", "--contentRoot", contentRoot], builder =>
        {
            builder.Configuration.AddInMemoryCollection(values);
            if (time is not null) builder.Services.AddSingleton(time);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestApp(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
