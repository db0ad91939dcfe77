using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Metrics.Benchmarks;

/// <summary>
/// Several clients, each on its own connection, POSTing ready-made batch bodies to the ingest route as
/// fast as they are answered. Bodies are byte arrays built beforehand, so a client allocates little
/// beyond the HTTP exchange itself.
/// </summary>
internal sealed class BatchPoster : IDisposable
{
    public const string Route = "/api/ingest/requests";
    public const string KeyHeader = "x-metrics-key";

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly string _key;
    private readonly int _clients;
    private readonly string _contentType;
    private readonly HttpStatusCode _success;

    /// <param name="route">The ingest route (<see cref="Route"/>), or another taking the same key (OTLP's traces).</param>
    public BatchPoster(Uri server, string key, int clients, string route = Route, string contentType = "application/json",
        HttpStatusCode success = HttpStatusCode.Accepted)
    {
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = clients,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
        })
        { Timeout = TimeSpan.FromMinutes(2) };
        _endpoint = new Uri(server, route);
        _contentType = contentType;
        _success = success;
        _key = key;
        _clients = clients;
    }

    public async Task<PostOutcome> PostAllAsync(IReadOnlyList<byte[]> bodies, CancellationToken cancellationToken = default)
    {
        var statuses = new HttpStatusCode[bodies.Count];
        var latencies = new TimeSpan[bodies.Count];
        string? firstFailure = null;
        var next = -1;
        var clients = Enumerable.Range(0, _clients).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < bodies.Count)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await PostAsync(bodies[i], cancellationToken);
                latencies[i] = Stopwatch.GetElapsedTime(started);
                statuses[i] = response.StatusCode;
                if (response.StatusCode != _success)
                    Interlocked.CompareExchange(ref firstFailure,
                        $"batch {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}", null);
            }
        }).ToList();
        await Task.WhenAll(clients);
        return new PostOutcome(statuses, latencies, firstFailure);
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> PostAsync(byte[] body, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(_contentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = content };
        request.Headers.TryAddWithoutValidation(KeyHeader, _key);
        return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
    }
}
