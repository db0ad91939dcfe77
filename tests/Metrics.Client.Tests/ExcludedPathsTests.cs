using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Metrics.Client.Tests;

/// <summary>What a service's probes and own tooling send is not its traffic: the middleware leaves it out.</summary>
public sealed class ExcludedPathsTests
{
    [Fact]
    public async Task Probes_ping_and_configured_prefixes_are_not_recorded_and_everything_else_is()
    {
        await using var metrics = await ScriptedMetricsApp.StartAsync();
        var port = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        // From configuration, as a service sets it in appsettings.json.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RequestMetrics:Endpoint"] = metrics.Address.ToString(),
            ["RequestMetrics:IngestionKey"] = "key",
            ["RequestMetrics:Service"] = "excluding-api",
            ["RequestMetrics:ExcludedPrefixes:0"] = "/internal/",
            ["RequestMetrics:ExcludedPrefixes:1"] = "/admin/system/",
        });
        builder.Services.AddRequestMetrics();
        var app = builder.Build();
        app.UseRequestMetrics();
        app.MapGet("/api/orders/{id}", (string id) => id);
        app.Run(context => context.Response.WriteAsync("fallback"));
        await app.StartAsync();

        using (var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") })
            foreach (var path in new[]
                     {
                         "/ping", "/ping/deep", "/health/live", "/metrics", "/internal/jobs/run", "/INTERNAL/cache", "/admin/system/flags",
                         "/api/orders/42", "/pingdom", "/internals", "/admin/users", "/admin/system",
                     })
                (await http.GetAsync(new Uri(path, UriKind.Relative))).EnsureSuccessStatusCode();
        await app.StopAsync();
        await app.DisposeAsync();

        var recorded = metrics.Events.Select(e => e.GetProperty("endpoint").GetString()).Order(StringComparer.Ordinal);
        // /admin/system without its slash does not start with the prefix /admin/system/: prefixes are text, not segments.
        Assert.Equal(["/admin/system", "/admin/users", "/api/orders/{id}", "/internals", "/pingdom"], recorded);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
