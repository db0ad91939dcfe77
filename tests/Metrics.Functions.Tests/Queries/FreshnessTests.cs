using System.Net;
using System.Text.Json;
using Metrics.Functions.Tests.Ingest;
using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Queries;

/// <summary>A 202 means the event is stored: the very next query counts it, once, with no compaction in between.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class FreshnessTests(SharedAzurite azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 9, 9, 13, 5, 30, TimeSpan.Zero);

    private readonly SharedClock _time = new(Now);
    private readonly TrafficGenerator _generator = new(new TrafficOptions { Seed = 99 });
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await StoredTraffic.StartAppAsync(azurite, _time);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Accepted_event_is_counted_by_the_next_query_without_compaction()
    {
        var before = await _app.Client.GetMetricsAsync("/api/metrics/performance?range=24h");
        Assert.Equal(0, before.GetProperty("summary").Long("requests"));

        var sent = _generator.Request(Now.AddSeconds(-75.5), status: 503);
        using var accepted = await _app.Client.PostRequestsAsync(Batches.Requests(sent.Service, [sent.ToJson()]));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

        var after = await _app.Client.GetMetricsAsync("/api/metrics/performance?range=24h");
        ExpectedAnswers.Performance([sent], after, "right after the 202");
        Assert.Equal(1.0, after.GetProperty("summary").Double("errorRate"));
        Assert.Equal(sent.DurationMs, after.GetProperty("summary").Double("p99Ms"));
        var value = await _app.Client.GetMetricsAsync($"/api/metrics/value?range=24h&metric=requests&service={sent.Service}");
        Assert.Equal(1m, value.Decimal("value"));
    }

    [Fact]
    public async Task Freshness_reports_the_newest_event_and_its_lag_on_the_apps_clock()
    {
        var idle = await _app.Client.GetMetricsAsync("/api/metrics/usage/count");
        AssertFreshness(idle, "requests", null, null);
        AssertFreshness(idle, "usage", null, null);

        var newest = _generator.Request(Now.AddSeconds(-75.5));
        var older = _generator.Request(Now.AddMinutes(-40));
        using (var response = await _app.Client.PostRequestsAsync(Batches.Requests(newest.Service, [older.ToJson(), newest.ToJson()])))
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var fresh = await _app.Client.GetMetricsAsync("/api/metrics/performance");
        AssertFreshness(fresh, "requests", newest.Timestamp, 75);
        AssertFreshness(fresh, "usage", null, null);

        _time.Advance(TimeSpan.FromMinutes(10));
        var later = await _app.Client.GetMetricsAsync("/api/metrics/breakdown?range=7d");
        AssertFreshness(later, "requests", newest.Timestamp, 675);

        // A late batch of older events does not make the source look staler than it is.
        var late = _generator.Request(Now.AddHours(-3));
        using (var response = await _app.Client.PostRequestsAsync(Batches.Requests(late.Service, [late.ToJson()])))
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        AssertFreshness(await _app.Client.GetMetricsAsync("/api/metrics/timeseries"), "requests", newest.Timestamp, 675);

        var beacon = _generator.Usage(_time.GetUtcNow().AddSeconds(-12.25));
        await Traffic.PostAsync(_app.Client, [], [beacon]);
        var both = await _app.Client.GetMetricsAsync("/api/metrics/reliability");
        AssertFreshness(both, "requests", newest.Timestamp, 675);
        AssertFreshness(both, "usage", beacon.Timestamp, 12);
    }

    [Fact]
    public async Task Freshness_is_the_same_before_and_after_compaction()
    {
        var sent = _generator.Request(Now.AddMinutes(-3));
        using (var response = await _app.Client.PostRequestsAsync(Batches.Requests(sent.Service, [sent.ToJson()])))
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        AssertFreshness(await _app.Client.GetMetricsAsync("/api/metrics/performance"), "requests", sent.Timestamp, 180);
        await _app.RunCompactionAsync();
        var compacted = await _app.Client.GetMetricsAsync("/api/metrics/performance");
        AssertFreshness(compacted, "requests", sent.Timestamp, 180);
        ExpectedAnswers.Performance([sent], compacted, "after compaction");
    }

    [Fact]
    public async Task Batches_sent_again_are_counted_once_before_and_after_compaction()
    {
        var traffic = TrafficGenerator.Generate(new TrafficOptions { Seed = 98, Requests = 300, UsageEvents = 150, End = Now.AddMinutes(-1), Span = TimeSpan.FromHours(6) });
        await traffic.PostAsync(_app.Client);
        await traffic.PostAsync(_app.Client);

        foreach (var stage in new[] { "live", "compacted", "compacted, then sent a third time" })
        {
            if (stage == "compacted") await _app.RunCompactionAsync();
            if (stage.EndsWith("third time", StringComparison.Ordinal)) await traffic.PostAsync(_app.Client);
            var performance = await _app.Client.GetMetricsAsync("/api/metrics/performance");
            ExpectedAnswers.Performance(traffic.Requests, performance, stage);
            ExpectedAnswers.Usage(traffic.Usage, await _app.Client.GetMetricsAsync("/api/metrics/usage"), null, includeAnonymous: true, stage);
        }
    }

    private static void AssertFreshness(JsonElement response, string kind, DateTimeOffset? lastEventAt, long? lagSeconds)
    {
        var freshness = response.GetProperty("freshness").GetProperty(kind);
        var last = freshness.GetProperty("lastEventAt");
        var lag = freshness.GetProperty("lagSeconds");
        Assert.Equal(lastEventAt, last.ValueKind == JsonValueKind.Null ? null : last.GetDateTimeOffset());
        Assert.Equal(lagSeconds, lag.ValueKind == JsonValueKind.Null ? null : lag.GetInt64());
    }
}
