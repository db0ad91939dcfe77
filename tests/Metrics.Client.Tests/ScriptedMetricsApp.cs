using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Metrics.Client.Tests;

/// <summary>
/// A stand-in for the metrics app on a real port, answering <c>POST /api/ingest/requests</c> as the test scripts it: each
/// answer in turn (then 202s with a receipt), optionally held until the test lets it go. Keeps every body it received.
/// </summary>
internal sealed class ScriptedMetricsApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<HttpContext, byte[], Task>> _script = new();

    private ScriptedMetricsApp(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }
    public ConcurrentQueue<byte[]> Bodies { get; } = new();

    /// <summary>Held while not null: requests wait on it before they are answered.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public IEnumerable<JsonElement> Events => Bodies.SelectMany(body => JsonDocument.Parse(body).RootElement.GetProperty("events").EnumerateArray().Select(e => e.Clone()));

    public static async Task<ScriptedMetricsApp> StartAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var scripted = new ScriptedMetricsApp(app, new Uri($"http://127.0.0.1:{port}"));
        app.MapPost("/api/ingest/requests", async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            scripted.Bodies.Enqueue(body.ToArray());
            if (scripted.Gate is { } gate) await gate.Task;
            if (scripted._script.TryDequeue(out var answer)) await answer(context, body.ToArray());
            else await Accept(context, body.ToArray());
        });
        await app.StartAsync();
        return scripted;
    }

    public void Then(HttpStatusCode status, TimeSpan? retryAfter = null) => _script.Enqueue(async (context, _) =>
    {
        context.Response.StatusCode = (int)status;
        if (retryAfter is { } wait) context.Response.Headers.RetryAfter = ((int)wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await context.Response.WriteAsJsonAsync(new { type = "urn:metrics-functions:problem:scripted", status = (int)status, detail = "scripted" });
    });

    public async ValueTask DisposeAsync()
    {
        Gate?.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static Task Accept(HttpContext context, byte[] body)
    {
        var events = JsonDocument.Parse(body).RootElement.GetProperty("events").GetArrayLength();
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        return context.Response.WriteAsJsonAsync(new { batchId = "b", accepted = events, duplicates = 0, rejected = Array.Empty<object>() });
    }
}
