using System.Text.Json;
using Metrics.Tests.Shared;
using static Metrics.Functions.Tests.Queries.MetricsCalls;

namespace Metrics.Functions.Tests.Queries;

/// <summary>
/// Every response says, per source it read, whether the range is covered: <c>missing</c> (no data in the range),
/// <c>partial</c> (the data begins after the range does) or <c>complete</c>. Request traffic here starts 30 hours ago.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SourcesTests(SharedAzurite azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 4, 14, 8, 48, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FirstHour = new(2026, 4, 13, 2, 0, 0, TimeSpan.Zero);

    private readonly SharedClock _time = new(Now);
    private TestApp _app = null!;
    private Traffic _traffic = null!;

    public async Task InitializeAsync()
    {
        _app = await StoredTraffic.StartAppAsync(azurite, _time);
        _traffic = TrafficGenerator.Generate(new TrafficOptions { Seed = 5, Requests = 400, UsageEvents = 0, End = Now.AddMinutes(-10), Span = Now.AddMinutes(-10) - FirstHour.AddMinutes(1) });
        Assert.Equal(FirstHour, TrafficGenerator.HourOf(_traffic.Requests.Min(e => e.Timestamp)));
        await _traffic.PostAsync(_app.Client);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Requests_are_partial_when_their_data_begins_after_the_range_complete_when_not_and_missing_when_absent()
    {
        foreach (var stage in new[] { "live", "compacted" })
        {
            if (stage == "compacted") await _app.RunCompactionAsync();

            var week = await _app.Client.GetMetricsAsync("/api/metrics/performance?range=7d");
            AssertSource(week, "requests", "partial", stage);
            Assert.Contains("2026-04-13T02:00:00", week.Source("requests")!.Value.Text("detail"));

            AssertSource(await _app.Client.GetMetricsAsync($"/api/metrics/performance?from={Iso(FirstHour)}"), "requests", "complete", stage);
            AssertSource(await _app.Client.GetMetricsAsync($"/api/metrics/performance?from={Iso(FirstHour.AddHours(5))}&to={Iso(FirstHour.AddHours(7))}"),
                "requests", "complete", stage);
            AssertSource(await _app.Client.GetMetricsAsync("/api/metrics/breakdown?range=24h&by=org"), "requests", "complete", stage);
            AssertSource(await _app.Client.GetMetricsAsync($"/api/metrics/breakdown?from={Iso(FirstHour.AddHours(-1))}&by=org"), "requests", "partial", stage);

            var before = await _app.Client.GetMetricsAsync($"/api/metrics/value?from={Iso(Now.AddDays(-6))}&to={Iso(Now.AddDays(-5))}");
            AssertSource(before, "requests", "missing", stage);
            Assert.Equal(0m, before.Decimal("value"));
        }
    }

    [Fact]
    public async Task A_kind_with_no_data_at_all_is_missing_and_each_response_describes_only_what_it_read()
    {
        var usage = await _app.Client.GetMetricsAsync("/api/metrics/usage?range=24h");
        AssertSource(usage, "usage", "missing", "usage");
        Assert.Null(usage.Source("requests"));
        Assert.Contains("No usage events", usage.Source("usage")!.Value.Text("detail"));

        var both = await _app.Client.GetMetricsAsync("/api/metrics/timeseries?range=7d&metric=both");
        AssertSource(both, "requests", "partial", "timeseries");
        AssertSource(both, "usage", "missing", "timeseries");

        AssertSource(await _app.Client.GetMetricsAsync("/api/metrics/usage/count?range=30d"), "usage", "missing", "usage count");
        Assert.Null((await _app.Client.GetMetricsAsync("/api/metrics/performance")).Source("usage"));
    }

    [Fact]
    public async Task Usage_becomes_complete_for_ranges_after_its_first_event()
    {
        var beacons = TrafficGenerator.Generate(new TrafficOptions { Seed = 6, Requests = 0, UsageEvents = 200, End = Now.AddMinutes(-5), Span = TimeSpan.FromHours(5) });
        await beacons.PostAsync(_app.Client);
        var firstHour = TrafficGenerator.HourOf(beacons.Usage.Min(e => e.Timestamp));

        foreach (var stage in new[] { "live", "compacted" })
        {
            if (stage == "compacted") await _app.RunCompactionAsync();
            AssertSource(await _app.Client.GetMetricsAsync("/api/metrics/usage?range=24h"), "usage", "partial", stage);
            AssertSource(await _app.Client.GetMetricsAsync($"/api/metrics/usage?from={Iso(firstHour)}"), "usage", "complete", stage);
            var both = await _app.Client.GetMetricsAsync($"/api/metrics/timeseries?from={Iso(firstHour)}");
            AssertSource(both, "requests", "complete", stage);
            AssertSource(both, "usage", "complete", stage);
        }
    }

    private static void AssertSource(JsonElement response, string kind, string status, string context)
    {
        var source = response.Source(kind);
        Assert.True(source is not null, $"{context}: no '{kind}' source in {response.GetProperty("sources")}");
        Assert.True(source.Value.Text("status") == status, $"{context}: expected {kind} {status}, got {source.Value}");
        Assert.False(string.IsNullOrWhiteSpace(source.Value.Text("detail")));
    }
}
