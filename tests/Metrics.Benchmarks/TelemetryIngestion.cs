using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Metrics.Benchmarks;

/// <summary>
/// Application Insights' ingestion endpoint, stood in for in this process: the worker's Azure Monitor exporter is pointed
/// here by its connection string (<c>IngestionEndpoint</c>), so what it would send to Azure is counted, item by item and
/// byte by byte, by telemetry type (RequestData, RemoteDependencyData, MetricData...), and accepted as Azure would.
/// Bytes are the items' JSON as sent, before compression: Log Analytics bills what it stores, which is close to it.
/// </summary>
internal sealed class TelemetryIngestion : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;
    private readonly Dictionary<string, (long Items, long Bytes)> _byType = [];

    public TelemetryIngestion()
    {
        var port = FreePort();
        Address = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Address.ToString());
        _listener.Start();
        _serving = ServeAsync();
    }

    public Uri Address { get; }

    /// <summary>What the worker's APPLICATIONINSIGHTS_CONNECTION_STRING is set to.</summary>
    public string ConnectionString => $"InstrumentationKey={Guid.Empty};IngestionEndpoint={Address}";

    /// <summary>Items and bytes received so far, by telemetry type.</summary>
    public IReadOnlyDictionary<string, (long Items, long Bytes)> Snapshot()
    {
        lock (_byType) return new Dictionary<string, (long, long)>(_byType);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
            var items = 0;
            try
            {
                var gzip = context.Request.Headers["Content-Encoding"]?.Contains("gzip", StringComparison.OrdinalIgnoreCase) == true;
                await using var raw = context.Request.InputStream;
                await using var body = gzip ? new GZipStream(raw, CompressionMode.Decompress) : raw;
                using var text = new StreamReader(body, Encoding.UTF8);
                items = Count(await text.ReadToEndAsync());
            }
            finally
            {
                var answer = Encoding.UTF8.GetBytes($"{{\"itemsReceived\":{items},\"itemsAccepted\":{items},\"errors\":[]}}");
                context.Response.StatusCode = (int)HttpStatusCode.OK;
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(answer);
                context.Response.Close();
            }
        }
    }

    /// <summary>The exporter sends newline-delimited JSON items (or an array of them).</summary>
    private int Count(string payload)
    {
        var items = payload.TrimStart().StartsWith('[')
            ? JsonDocument.Parse(payload).RootElement.EnumerateArray().Select(e => e.GetRawText()).ToList()
            : payload.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        lock (_byType)
        {
            foreach (var item in items)
            {
                using var json = JsonDocument.Parse(item);
                var root = json.RootElement;
                var type = root.TryGetProperty("data", out var data) && data.TryGetProperty("baseType", out var baseType)
                    ? baseType.GetString() ?? "unknown"
                    : root.TryGetProperty("name", out var name) ? name.GetString() ?? "unknown" : "unknown";
                var (count, bytes) = _byType.GetValueOrDefault(type);
                _byType[type] = (count + 1, bytes + Encoding.UTF8.GetByteCount(item));
            }
        }
        return items.Count;
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving;
    }
}
