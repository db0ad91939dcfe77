using System.Diagnostics;
using System.Text.Json;
using Metrics.Azurite;

namespace Metrics.Functions.Tests.Otlp;

/// <summary>
/// The Node service of <c>node/service.js</c>: OpenTelemetry's JS SDK, HTTP instrumentation and official OTLP/HTTP JSON
/// trace exporter, installed with <c>npm ci</c> from <c>node/package-lock.json</c> into the per-user cache as Azurite is.
/// </summary>
internal sealed class NodeSampleService : ISampleService
{
    public const string Service = "node-sample-api";

    private readonly Process _process;
    private string[]? _served;

    private NodeSampleService(Process process, Uri address)
    {
        _process = process;
        Client = new HttpClient { BaseAddress = address };
    }

    public HttpClient Client { get; }

    public string Name => Service;

    /// <summary>As the service reported them when it stopped.</summary>
    public IReadOnlyCollection<string> Served => _served ?? throw new InvalidOperationException("the service has not stopped yet");

    public static async Task<NodeSampleService> StartAsync(Uri metrics, string ingestionKey)
    {
        var source = Path.Combine(AppContext.BaseDirectory, "Otlp", "node");
        var installed = await PinnedNpmPackages.InstallAsync(source, "otlp-node",
            Path.Combine("node_modules", "@opentelemetry", "exporter-trace-otlp-http", "package.json"));
        var start = new ProcessStartInfo("node") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(source, "service.js"));
        start.Environment["NODE_PATH"] = installed[..(installed.IndexOf("node_modules", StringComparison.Ordinal) + "node_modules".Length)];
        start.Environment["OTEL_SERVICE_NAME"] = Service;
        start.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = new Uri(metrics, "/api/otlp").ToString();
        start.Environment["OTEL_EXPORTER_OTLP_HEADERS"] = $"x-metrics-key={ingestionKey}";
        start.Environment["OTEL_EXPORTER_OTLP_TIMEOUT"] = "60000";
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))
            ?? throw new InvalidOperationException($"node exited: {await process.StandardError.ReadToEndAsync()}");
        var port = JsonDocument.Parse(ready).RootElement.GetProperty("port").GetInt32();
        return new NodeSampleService(process, new Uri($"http://127.0.0.1:{port}"));
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? user = null, string? org = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (user is not null) request.Headers.Add("X-User", user);
        if (org is not null) request.Headers.Add("X-Org", org);
        return await Client.SendAsync(request);
    }

    /// <summary>Stops the service: its tracer provider exports what it buffered (retrying as its exporter does) before it exits.</summary>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (_served is not null) return;
        await _process.StandardInput.WriteLineAsync("stop");
        await _process.StandardInput.FlushAsync();
        var line = await _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(120));
        await _process.WaitForExitAsync();
        _served = line is null ? throw new InvalidOperationException($"node exited without reporting: {await _process.StandardError.ReadToEndAsync()}")
            : JsonDocument.Parse(line).RootElement.GetProperty("served").EnumerateArray().Select(e => e.GetString()!).ToArray();
        _process.Dispose();
    }
}
