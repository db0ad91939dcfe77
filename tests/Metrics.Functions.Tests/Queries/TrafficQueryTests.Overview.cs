using System.Text.Json;
using static Metrics.Functions.Tests.Queries.MetricsCalls;

namespace Metrics.Functions.Tests.Queries;

public sealed partial class TrafficQueryTests
{
    /// <summary>
    /// The dashboard's one question: its summary, endpoints and usage equal the exact computation, and its series and
    /// breakdown are, number for number, what the time series and breakdown queries answer (checked exact elsewhere).
    /// </summary>
    [Fact]
    public async Task Overview_answers_the_exact_numbers_and_what_the_series_and_breakdown_queries_answer_in_every_range_and_state()
    {
        var service = TrafficGenerator.AllServices[0];
        foreach (var state in fixture.States)
        foreach (var range in TrafficFixture.Ranges)
        foreach (var (filter, by) in new[] { ("", "service"), ($"&service={service}", "endpoint"), ("", "country") })
        {
            var context = $"{state} {range}{filter} by {by}";
            var overview = await state.Client.GetMetricsAsync($"/api/metrics/overview?{range.Query}{filter}&by={by}");

            var window = RangeOf(overview);
            QueryAssert.Equal(range.Expected, window, $"{context}: range");
            var interval = window.To - window.From <= TimeSpan.FromDays(7) ? "hour" : "day";
            var requests = RequestsIn(window).Where(e => filter.Length == 0 || e.Service == service).ToList();
            ExpectedAnswers.Performance(requests, overview.GetProperty("performance"), context);
            ExpectedAnswers.Usage(UsageIn(window), overview.GetProperty("usage"), eventType: null, includeAnonymous: true, context);
            if (filter.Length == 0) ExpectedAnswers.ActiveUsers(requests, UsageIn(window), overview.GetProperty("activeUsers"), context);
            else Assert.Equal(JsonValueKind.Null, overview.GetProperty("activeUsers").ValueKind);

            var series = await state.Client.GetMetricsAsync($"/api/metrics/timeseries?{range.Query}{filter}&interval={interval}&metric=both");
            Assert.Equal(interval, overview.GetProperty("series").Text("interval"));
            Assert.Equal(series.GetProperty("points").GetRawText(), overview.GetProperty("series").GetProperty("points").GetRawText());
            var breakdown = await state.Client.GetMetricsAsync($"/api/metrics/breakdown?{range.Query}{filter}&by={by}");
            foreach (var part in new[] { "by", "rows", "totals" })
                Assert.Equal(breakdown.GetProperty(part).GetRawText(), overview.GetProperty("breakdown").GetProperty(part).GetRawText());
            Assert.Equal(["prices", "requests", "usage"], overview.GetProperty("sources").EnumerateArray().Select(s => s.Text("name")).Order());
        }
        ReportObservedErrors();
    }

    [Fact]
    public async Task Overview_kept_to_an_endpoint_keeps_the_series_to_it_and_the_breakdown_to_its_service()
    {
        var endpoint = fixture.Traffic.Requests.GroupBy(e => (e.Service, e.Endpoint)).OrderByDescending(g => g.Count()).First().Key;
        var overview = await fixture.Compacted.Client.GetMetricsAsync(
            $"/api/metrics/overview?{TrafficFixture.Week.Query}&service={endpoint.Service}&endpoint={Uri.EscapeDataString(endpoint.Endpoint)}");

        var window = RangeOf(overview);
        var requests = RequestsIn(window).Where(e => e.Service == endpoint.Service && e.Endpoint == endpoint.Endpoint).ToList();
        Assert.NotEmpty(requests);
        ExpectedAnswers.Performance(requests, overview.GetProperty("performance"), "one endpoint");
        Assert.Equal(requests.Count, overview.GetProperty("series").GetProperty("points").EnumerateArray().Sum(p => p.Long("requests")));
        var rows = overview.GetProperty("breakdown").Items("rows").ToDictionary(r => r.Text("key"), r => r.Long("requests"));
        Assert.Equal(new Dictionary<string, long> { [endpoint.Service] = RequestsIn(window).Count(e => e.Service == endpoint.Service) }, rows);
    }
}
