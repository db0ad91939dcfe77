using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace Metrics.Functions.Tests.Otlp;

/// <summary>
/// A service as a team already instrumented with OpenTelemetry writes it: ASP.NET Core's instrumentation and the OTLP
/// exporter, configured by the standard environment variables alone (read here from configuration, as the SDK reads them
/// from the environment): <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is the app's <c>/api/otlp</c> and <c>OTEL_EXPORTER_OTLP_HEADERS</c>
/// carries the ingestion key. Its only lines for this app's sake put the caller (<c>X-User</c>, <c>X-Org</c> headers here) on
/// the server span as <c>user.id</c> and <c>org.id</c>; the chat route names its model and units as span attributes.
/// It records the ids of every server span it made, to compare with what the app stored.
/// </summary>
internal sealed class OtlpSampleService : ISampleService
{
    public const string Service = "otlp-sample-api";

    private readonly WebApplication _app;

    private OtlpSampleService(WebApplication app, Uri address, ConcurrentBag<string> served)
    {
        _app = app;
        Served = served;
        Client = new HttpClient { BaseAddress = address };
    }

    public HttpClient Client { get; }

    public string Name => Service;

    public IReadOnlyCollection<string> Served { get; }

    public static async Task<OtlpSampleService> StartAsync(Uri metrics, string ingestionKey, IDictionary<string, string?>? more = null)
    {
        var port = FreePort();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var settings = new Dictionary<string, string?>
        {
            ["OTEL_SERVICE_NAME"] = Service,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = new Uri(metrics, "/api/otlp").ToString(),
            ["OTEL_EXPORTER_OTLP_HEADERS"] = $"x-metrics-key={ingestionKey}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"] = "16",
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>()) settings[key] = value;
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing
            // ASP.NET Core's activities are seen process-wide: the local host serving the metrics app runs in this test process
            // too, and its requests are not this service's.
            .AddAspNetCoreInstrumentation(options => options.Filter = context => context.Connection.LocalPort == port && context.Request.Path != "/health")
            .AddOtlpExporter());

        var served = new ConcurrentBag<string>();
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            if (Activity.Current is { Kind: ActivityKind.Server, Recorded: true } span)
            {
                if (context.Request.Headers["X-User"].ToString() is { Length: > 0 } user) span.SetTag("user.id", user);
                if (context.Request.Headers["X-Org"].ToString() is { Length: > 0 } org) span.SetTag("org.id", org);
                served.Add($"otlp-{span.TraceId.ToHexString()}-{span.SpanId.ToHexString()}");
            }
            await next(context);
        });
        app.MapGet("/orders/{id}", (string id) => TypedResults.Ok(new { id }));
        app.MapGet("/orders/{id}/fail", (string id) => { throw new InvalidOperationException($"order {id} cannot be read"); });
        app.MapPost("/chat", () =>
        {
            Activity.Current?.SetTag("gen_ai.request.model", "gpt-small");
            Activity.Current?.SetTag("metrics.units", 100);
            return TypedResults.Accepted((string?)null);
        });
        app.MapGet("/health", () => "healthy");
        await app.StartAsync();
        return new OtlpSampleService(app, new Uri($"http://127.0.0.1:{port}"), served);
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? user = null, string? org = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (user is not null) request.Headers.Add("X-User", user);
        if (org is not null) request.Headers.Add("X-Org", org);
        return await Client.SendAsync(request);
    }

    /// <summary>Stops the service as a deployment would: the tracer provider exports what it buffered before it goes.</summary>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        _app.Services.GetRequiredService<TracerProvider>().ForceFlush(60_000);
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
