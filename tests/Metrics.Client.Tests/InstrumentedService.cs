using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Metrics.Client.Tests;

/// <summary>
/// A service on a real port with the middleware, configured from settings as a service's appsettings.json would, sending to
/// <paramref name="metrics"/>: it serves the requests given, then stops, which sends what it recorded.
/// </summary>
internal static class InstrumentedService
{
    public static async Task ServeAsync(ScriptedMetricsApp metrics, IReadOnlyDictionary<string, string?> settings, IEnumerable<HttpRequestMessage> requests)
    {
        var port = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RequestMetrics:Endpoint"] = metrics.Address.ToString(),
            ["RequestMetrics:IngestionKey"] = "key",
        }.Concat(settings));
        builder.Services.AddRequestMetrics();
        var app = builder.Build();
        app.UseRequestMetrics();
        app.MapGet("/api/orders/{id}", (string id) => id);
        app.Run(context => context.Response.WriteAsync("fallback"));
        await app.StartAsync();

        using (var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") })
            foreach (var request in requests)
                using (request)
                    (await http.SendAsync(request)).EnsureSuccessStatusCode();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    public static HttpRequestMessage Get(string path) => new(HttpMethod.Get, new Uri(path, UriKind.Relative));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
