using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Metrics.Client.Benchmarks;

/// <summary>
/// The sender's share of each request, on its own thread: one batch of 500 varied events serialised and posted to a
/// stand-in app that reads it and acknowledges it (the HTTP message, the retry pipeline, the receipt), per event.
/// </summary>
[MemoryDiagnoser]
public class SenderCost
{
    private const int BatchSize = 500;

    private readonly List<RequestMetric> _batch = [];
    private BatchSender _sender = null!;
    private ClientInstruments _instruments = null!;
    private HttpClient _http = null!;

    [GlobalSetup]
    public void Start()
    {
        var options = new RequestMetricsOptions { Endpoint = new Uri("http://metrics.invalid/"), IngestionKey = "benchmark" };
        _http = new HttpClient(MetricsAppStandIns.Accepting());
        _instruments = new ClientInstruments(null, () => 0);
        _sender = new BatchSender(_http, options, "orders-api", _instruments, TimeProvider.System, NullLogger.Instance);
        var random = new Random(7);
        string[] routes = ["orders/{id}", "/api/v2/carts/{cartId}/items", "/search", "/users/{userId}/orders/{orderId}"];
        var at = DateTimeOffset.UtcNow;
        for (var i = 0; i < BatchSize; i++)
        {
            var signedIn = random.Next(4) > 0;
            _batch.Add(new RequestMetric(RequestMetric.NewId(at), at.AddMilliseconds(i), routes[i % routes.Length], HasRoute: true,
                i % 5 == 0 ? "POST" : "GET", random.Next(20) == 0 ? 500 : 200, random.NextDouble() * 250,
                signedIn ? $"u-{random.Next(10_000):x}" : null, signedIn ? $"org-{random.Next(40)}" : null,
                Model: i % 10 == 0 ? "gpt-large" : null, Units: i % 10 == 0 ? random.Next(1, 4000) : 0));
        }
    }

    [GlobalCleanup]
    public void Stop()
    {
        _http.Dispose();
        _instruments.Dispose();
    }

    [Benchmark(OperationsPerInvoke = BatchSize, Description = "send a batch of 500, per event")]
    public Task Send() => _sender.SendAsync(_batch, CancellationToken.None);
}
