using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using Metrics.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Metrics.Functions.Tests.Client;

/// <summary>
/// A service as a team would write it, with the three lines Metrics.Client asks for, sending to the real metrics app.
/// Who calls is a header here (<c>X-User</c>, <c>X-Org</c>), turned into claims as an authentication handler would.
/// </summary>
internal sealed class SampleService : IAsyncDisposable
{
    public const string Service = "sample-api";

    private readonly WebApplication _app;

    private SampleService(WebApplication app, Uri address)
    {
        _app = app;
        Client = new HttpClient { BaseAddress = address };
    }

    public HttpClient Client { get; }

    public static async Task<SampleService> StartAsync(Uri metrics, string ingestionKey)
    {
        var port = FreePort();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        builder.Services.AddRequestMetrics(options =>
        {
            options.Endpoint = metrics;
            options.IngestionKey = ingestionKey;
            options.Service = Service;
            options.BatchSize = 25;
            options.FlushInterval = TimeSpan.FromMilliseconds(200);
            options.ShutdownTimeout = TimeSpan.FromSeconds(60);
        });
        var app = builder.Build();
        app.UseRequestMetrics();
        app.Use((context, next) =>
        {
            if (context.Request.Headers["X-User"].ToString() is { Length: > 0 } user)
                context.User = new ClaimsPrincipal(new ClaimsIdentity(
                    [new Claim(ClaimTypes.NameIdentifier, user), new Claim("org_id", context.Request.Headers["X-Org"].ToString())], "header"));
            return next(context);
        });
        app.MapGet("/orders/{id}", (string id) => TypedResults.Ok(new { id }));
        app.MapGet("/orders/{id}/fail", (string id) => { throw new InvalidOperationException($"order {id} cannot be read"); });
        app.MapPost("/chat", (HttpContext context) =>
        {
            var metrics = context.RequestMetrics();
            metrics.Model = "gpt-small";
            metrics.Units = 100;
            metrics.Async = true;
            return TypedResults.Accepted((string?)null);
        });
        app.MapGet("/health", () => "healthy");
        await app.StartAsync();
        return new SampleService(app, new Uri($"http://127.0.0.1:{port}"));
    }

    public Task<HttpResponseMessage> GetAsync(string path, string? user = null, string? org = null) => SendAsync(HttpMethod.Get, path, user, org);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? user = null, string? org = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (user is not null) request.Headers.Add("X-User", user);
        if (org is not null) request.Headers.Add("X-Org", org);
        return await Client.SendAsync(request);
    }

    /// <summary>Stops the service as a deployment would: what it buffered is sent before it goes.</summary>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
