using System.Text.Json;
using static Metrics.Functions.Tests.Queries.MetricsCalls;

namespace Metrics.Functions.Tests.Queries;

public sealed partial class TrafficQueryTests
{
    [Fact]
    public async Task Time_series_by_hour_has_every_hour_of_the_range_with_zeros_where_there_is_no_data()
    {
        foreach (var state in fixture.States)
        foreach (var range in TrafficFixture.Ranges)
        {
            var response = await state.Client.GetMetricsAsync($"/api/metrics/timeseries?{range.Query}&interval=hour&metric=both");

            var window = RangeOf(response);
            QueryAssert.Equal(range.Expected, window, $"{state} {range}: range");
            AssertPoints(Buckets(window, "hour"), TimeSpan.FromHours(1), window, response, requests: true, usage: true, $"{state} {range} hourly");
        }
        ReportObservedErrors();
    }

    [Fact]
    public async Task Time_series_shows_quiet_hours_inside_the_data_as_zeros()
    {
        foreach (var state in fixture.States)
        {
            var response = await state.Client.GetMetricsAsync("/api/metrics/timeseries?range=7d&interval=hour");

            var quiet = response.Items("points").Where(p => TrafficFixture.QuietHours.Contains(p.GetProperty("at").GetDateTimeOffset())).ToList();
            Assert.Equal(TrafficFixture.QuietHours.Length, quiet.Count);
            foreach (var point in quiet)
            foreach (var field in new[] { "requests", "errorRate", "avgMs", "p95Ms", "events", "users" })
                QueryAssert.Equal(0.0, point.Double(field), $"{state} quiet hour {point.GetProperty("at")} {field}");
        }
    }

    [Fact]
    public async Task Time_series_by_day_has_every_day_the_range_touches_and_counts_only_the_range()
    {
        foreach (var state in fixture.States)
        foreach (var range in TrafficFixture.Ranges)
        {
            var response = await state.Client.GetMetricsAsync($"/api/metrics/timeseries?{range.Query}&interval=day&metric=both");

            var window = RangeOf(response);
            AssertPoints(Buckets(window, "day"), TimeSpan.FromDays(1), window, response, requests: true, usage: true, $"{state} {range} daily");
        }
    }

    [Theory]
    [InlineData("performance", true, false)]
    [InlineData("usage", false, true)]
    [InlineData("both", true, true)]
    public async Task Time_series_metric_chooses_which_numbers_are_filled_and_which_sources_are_described(string metric, bool requests, bool usage)
    {
        foreach (var state in fixture.States)
        foreach (var interval in new[] { "hour", "day" })
        {
            var response = await state.Client.GetMetricsAsync($"/api/metrics/timeseries?{TrafficFixture.Ragged.Query}&interval={interval}&metric={metric}");

            Assert.Equal(metric, response.Text("metric"));
            Assert.Equal(interval, response.Text("interval"));
            var window = RangeOf(response);
            var step = interval == "hour" ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);
            AssertPoints(Buckets(window, interval), step, window, response, requests, usage, $"{state} metric={metric} interval={interval}");
            Assert.Equal(requests, response.Source("requests") is not null);
            Assert.Equal(usage, response.Source("usage") is not null);
        }
    }

    [Fact]
    public async Task Time_series_default_is_both_metrics_by_hour_over_24_hours()
    {
        var response = await fixture.Compacted.Client.GetMetricsAsync("/api/metrics/timeseries");

        Assert.Equal("both", response.Text("metric"));
        Assert.Equal("hour", response.Text("interval"));
        Assert.Equal(TrafficFixture.Day.Expected, RangeOf(response));
        AssertPoints(Buckets(RangeOf(response), "hour"), TimeSpan.FromHours(1), RangeOf(response), response, requests: true, usage: true, "default");
    }

    [Theory]
    [InlineData("hour")]
    [InlineData("day")]
    public async Task Time_series_filtered_by_service_and_endpoint_counts_only_their_requests_and_leaves_usage_whole(string interval)
    {
        var some = fixture.Traffic.Requests.GroupBy(e => (e.Service, e.Endpoint)).OrderByDescending(g => g.Count()).First().Key;
        foreach (var state in fixture.States)
        foreach (var (query, selected) in new (string, Func<SentRequest, bool>)[]
        {
            ($"service={some.Service}", e => e.Service == some.Service),
            ($"endpoint={Uri.EscapeDataString(some.Endpoint)}", e => e.Endpoint == some.Endpoint),
            ($"service={some.Service}&endpoint={Uri.EscapeDataString(some.Endpoint)}", e => e.Service == some.Service && e.Endpoint == some.Endpoint),
        })
        {
            var response = await state.Client.GetMetricsAsync($"/api/metrics/timeseries?{TrafficFixture.Week.Query}&interval={interval}&{query}");

            var window = RangeOf(response);
            var step = interval == "hour" ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);
            AssertPoints(Buckets(window, interval), step, window, response, requests: true, usage: true, $"{state} {query} {interval}", selected);
        }
    }

    /// <summary>Hours of the range; or every UTC day the range touches, the first starting at midnight before the range.</summary>
    private static List<DateTimeOffset> Buckets(Window window, string interval)
    {
        var step = interval == "hour" ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);
        var buckets = new List<DateTimeOffset>();
        for (var at = interval == "hour" ? window.From : new DateTimeOffset(window.From.UtcDateTime.Date, TimeSpan.Zero); at < window.To; at += step)
            buckets.Add(at);
        return buckets;
    }

    private void AssertPoints(List<DateTimeOffset> buckets, TimeSpan step, Window window, JsonElement response, bool requests, bool usage, string context,
        Func<SentRequest, bool>? selected = null)
    {
        var points = response.Items("points").ToList();
        Assert.True(buckets.SequenceEqual(points.Select(p => p.GetProperty("at").GetDateTimeOffset())),
            $"{context}: expected {buckets.Count} points from {buckets[0]:O}, got {points.Count}: {response.GetProperty("points")}");
        foreach (var (at, point) in buckets.Zip(points))
        {
            var what = $"{context} at {at:yyyy-MM-dd HH:mm}";
            var bucket = new Window(at < window.From ? window.From : at, at + step > window.To ? window.To : at + step);
            var exact = new ExactRequests(requests ? RequestsIn(bucket).Where(selected ?? (_ => true)) : []);
            var exactUsage = new ExactUsage(usage ? UsageIn(bucket) : []);
            ExpectedAnswers.Latency(exact, point, what);
            QueryAssert.Equal(exactUsage.Events, point.Long("events"), $"{what} events");
            QueryAssert.Distinct(exactUsage.Visitors, point.Long("users"), $"{what} users");
        }
    }
}
