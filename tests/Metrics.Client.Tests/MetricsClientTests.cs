using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics.Client.Tests;

/// <summary>How the client sends: retries what can succeed later, gives up what cannot, never holds more than its buffer.</summary>
public sealed class MetricsClientTests : IAsyncLifetime
{
    private ScriptedMetricsApp _app = null!;
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly Dictionary<string, long> _counted = [];
    private readonly MeterListener _listener = new();

    public async Task InitializeAsync()
    {
        _app = await ScriptedMetricsApp.StartAsync();
        var meters = _services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (_counted) _counted[instrument.Name] = _counted.GetValueOrDefault(instrument.Name) + value;
        });
        _listener.Start();
    }

    public async Task DisposeAsync()
    {
        _listener.Dispose();
        await _app.DisposeAsync();
        await _services.DisposeAsync();
    }

    [Fact]
    public async Task A_503_is_retried_after_its_Retry_After_with_the_same_bytes_and_delivered_once()
    {
        _app.Then(HttpStatusCode.ServiceUnavailable, retryAfter: TimeSpan.FromSeconds(1));
        var started = DateTime.UtcNow;
        await using (var client = NewClient())
            for (var i = 0; i < 3; i++) client.Record(Request($"/orders/{{id}}"));

        Assert.Equal(2, _app.Bodies.Count);
        Assert.Equal(_app.Bodies.First(), _app.Bodies.Last());
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(1), "the retry did not wait what Retry-After asked");
        Assert.Equal(3, Count("metrics.client.events.sent"));
        Assert.Equal(1, Count("metrics.client.sends.retried"));
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    public async Task Answers_that_can_change_are_retried(HttpStatusCode status)
    {
        _app.Then(status, retryAfter: TimeSpan.Zero);
        await using (var client = NewClient()) client.Record(Request("/a"));

        Assert.Equal(2, _app.Bodies.Count);
        Assert.Equal(1, Count("metrics.client.events.sent"));
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "metrics.client.events.rejected")]
    [InlineData(HttpStatusCode.Unauthorized, "metrics.client.events.dropped")]
    [InlineData(HttpStatusCode.Forbidden, "metrics.client.events.dropped")]
    public async Task Answers_that_cannot_change_are_not_retried_and_the_events_counted(HttpStatusCode status, string counter)
    {
        _app.Then(status);
        await using (var client = NewClient())
            for (var i = 0; i < 4; i++) client.Record(Request("/a"));

        Assert.Single(_app.Bodies);
        Assert.Equal(4, Count(counter));
        Assert.Equal(0, Count("metrics.client.events.sent"));
    }

    [Fact]
    public async Task A_full_buffer_drops_the_oldest_events_and_counts_them()
    {
        _app.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (var client = NewClient(batchSize: 1, capacity: 3))
        {
            client.Record(Request("/first"));
            await WaitUntilAsync(() => !_app.Bodies.IsEmpty);
            for (var i = 0; i < 10; i++) client.Record(Request($"/later/{i}"));
            Assert.Equal(3, client.Buffered);
            _app.Gate.SetResult();
            _app.Gate = null;
        }

        Assert.Equal(["/first", "/later/7", "/later/8", "/later/9"], _app.Events.Select(e => e.GetProperty("endpoint").GetString()));
        Assert.Equal(7, Count("metrics.client.events.dropped"));
    }

    [Fact]
    public async Task Disposing_sends_what_is_buffered_without_waiting_for_the_flush_interval()
    {
        var started = DateTime.UtcNow;
        await using (var client = NewClient(flush: TimeSpan.FromHours(1)))
            for (var i = 0; i < 7; i++) client.Record(Request("/a"));

        Assert.Equal(7, _app.Events.Count());
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_batch_goes_out_as_soon_as_it_is_full_not_at_the_flush_interval()
    {
        await using (var client = NewClient(batchSize: 10, flush: TimeSpan.FromHours(1)))
        {
            for (var i = 0; i < 25; i++) client.Record(Request($"/orders/{i}"));

            await WaitUntilAsync(() => _app.Bodies.Count == 2);
            await Task.Delay(300);
            Assert.Equal(20, _app.Events.Count());
        }

        // The last five wait for the interval, or, as here, for shutdown.
        Assert.Equal(3, _app.Bodies.Count);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"/orders/{i}"), _app.Events.Select(e => e.GetProperty("endpoint").GetString()));
    }

    [Fact]
    public async Task Recording_while_the_client_shuts_down_never_throws_and_disposing_twice_is_harmless()
    {
        var client = NewClient(batchSize: 5);
        using var recording = new CancellationTokenSource();
        var recorded = 0;
        var recorder = Task.Run(() =>
        {
            while (!recording.IsCancellationRequested && client.Record(Request("/a"))) recorded++;
        });
        await WaitUntilAsync(() => Volatile.Read(ref recorded) > 1000);

        await client.DisposeAsync();
        await client.DisposeAsync();
        await recorder;

        Assert.False(client.Record(Request("/after")));
        Assert.Equal(recorded, Count("metrics.client.events.sent") + Count("metrics.client.events.dropped"));
    }

    [Fact]
    public async Task Shutdown_gives_up_after_its_timeout_and_counts_what_it_could_not_send()
    {
        for (var i = 0; i < 1000; i++) _app.Then(HttpStatusCode.ServiceUnavailable, retryAfter: TimeSpan.FromSeconds(1));
        var started = DateTime.UtcNow;
        await using (var client = NewClient(shutdown: TimeSpan.FromSeconds(2)))
            for (var i = 0; i < 5; i++) client.Record(Request("/a"));

        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(20));
        Assert.Equal(5, Count("metrics.client.events.dropped"));
    }

    [Fact]
    public async Task Events_carry_time_ordered_version_7_ids_and_route_templates_as_routes()
    {
        await using (var client = NewClient())
        {
            client.Record(Request("orders/{id}", hasRoute: true));
            client.Record(Request("/raw/path/42", hasRoute: false));
        }

        var events = _app.Events.ToList();
        Assert.All(events, e => Assert.Equal('7', e.GetProperty("id").GetString()![14]));
        Assert.Equal("/orders/{id}", events[0].GetProperty("route").GetString());
        Assert.Equal("/orders/{id}", events[0].GetProperty("endpoint").GetString());
        Assert.False(events[1].TryGetProperty("route", out _));
        // The first 48 bits (13 characters) are the millisecond; the rest is random within it.
        string Millisecond(int i) => events[i].GetProperty("id").GetString()![..13];
        Assert.True(string.CompareOrdinal(Millisecond(0), Millisecond(1)) <= 0);
    }

    private MetricsClient NewClient(int batchSize = 100, int capacity = 1000, TimeSpan? flush = null, TimeSpan? shutdown = null) => new(
        new RequestMetricsOptions
        {
            Endpoint = _app.Address,
            IngestionKey = "key",
            BatchSize = batchSize,
            BufferCapacity = capacity,
            FlushInterval = flush ?? TimeSpan.FromMilliseconds(50),
            ShutdownTimeout = shutdown ?? TimeSpan.FromSeconds(30),
        },
        new HttpClient(), "tests", meters: _services.GetRequiredService<IMeterFactory>());

    private static RequestMetric Request(string endpoint, bool hasRoute = true)
    {
        var at = DateTimeOffset.UtcNow;
        return new RequestMetric(RequestMetric.NewId(at), at, endpoint, hasRoute, "GET", 200, 1.5);
    }

    private long Count(string instrument)
    {
        lock (_counted) return _counted.GetValueOrDefault(instrument);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not come true in 10 s");
            await Task.Delay(10);
        }
    }
}
