using Metrics.Functions.Hosting;
using Metrics.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Benchmarks;

/// <summary>
/// The real handler in this process on a free Kestrel port, configured as the functions tests do it:
/// its own table prefix on the given storage, timers off, logging at Warning.
/// </summary>
internal sealed class InProcessApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _contentRoot;

    private InProcessApp(WebApplication app, string contentRoot, Uri address)
    {
        _app = app;
        _contentRoot = contentRoot;
        Address = address;
    }

    /// <summary>The admin API key every benchmark app accepts (<c>Auth:AdminKeys</c>).</summary>
    public const string AdminKey = "bench-admin";

    public Uri Address { get; }
    public StorageAccount Storage => _app.Services.GetRequiredService<StorageAccount>();

    public static async Task<InProcessApp> StartAsync(string connectionString, string prefix, string ingestKey, int shards,
        IReadOnlyDictionary<string, string?>? extraSettings = null, TimeProvider? time = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["Storage:Prefix"] = prefix,
            ["Storage:Shards"] = shards.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Ingest:Keys"] = ingestKey,
            ["Timers:RunLocally"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Auth:AdminKeys"] = AdminKey,
        };
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>()) settings[key] = value;
        // A content root of its own: no developer's local.settings.json changes what is measured.
        var contentRoot = Directory.CreateTempSubdirectory("metrics-bench-").FullName;
        var app = MetricsApp.Create(["--urls", "http://127.0.0.1:0", "--environment", "Benchmark", "--contentRoot", contentRoot],
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(settings);
                if (time is not null) builder.Services.AddSingleton(time);
            });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new InProcessApp(app, contentRoot, new Uri(address));
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
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_contentRoot, recursive: true);
    }
}
