using System.Text.Json;
using static Metrics.Functions.Tests.Queries.MetricsCalls;

namespace Metrics.Functions.Tests.Queries;

public sealed partial class TrafficQueryTests
{
    [Fact]
    public async Task Performance_summary_and_every_endpoint_equal_an_exact_computation_in_every_range_and_storage_state()
    {
        foreach (var state in fixture.States)
        foreach (var range in TrafficFixture.Ranges)
        {
            var response = await state.Client.GetMetricsAsync($"/api/metrics/performance?{range.Query}");

            var window = RangeOf(response);
            QueryAssert.Equal(range.Expected, window, $"{state} {range}: range");
            var events = RequestsIn(window);
            Assert.NotEmpty(events);
            ExpectedAnswers.Performance(events, response, $"{state} {range}");
            Assert.True(response.GetProperty("summary").Long("countries") > 1, $"{state} {range}: countries are counted");
        }
        ReportObservedErrors();
    }

    [Fact]
    public async Task Performance_default_range_is_the_last_24_hours()
    {
        var response = await fixture.Compacted.Client.GetMetricsAsync("/api/metrics/performance");

        var window = RangeOf(response);
        Assert.Equal(TrafficFixture.Day.Expected, window);
        ExpectedAnswers.Performance(RequestsIn(window), response, "default range");
    }

    [Fact]
    public async Task Performance_service_filter_reports_only_that_service()
    {
        foreach (var state in fixture.States)
        foreach (var service in TrafficGenerator.AllServices)
        {
            var response = await state.Client.GetMetricsAsync($"/api/metrics/performance?{TrafficFixture.Ragged.Query}&service={service}");

            ExpectedAnswers.Performance(RequestsIn(RangeOf(response)).Where(e => e.Service == service).ToList(), response, $"{state} service={service}");
            Assert.Equal(JsonValueKind.Number, response.GetProperty("summary").GetProperty("countries").ValueKind);
            Assert.All(response.Items("endpoints"), row => Assert.Equal(service, row.Text("service")));
        }
    }

    [Fact]
    public async Task Performance_endpoint_filter_reports_that_route_template_for_every_service_and_method()
    {
        foreach (var state in fixture.States)
        {
            var byTemplate = await state.Client.GetMetricsAsync($"/api/metrics/performance?{TrafficFixture.Week.Query}&endpoint={Escape("/api/orders/{id}")}");
            var both = await state.Client.GetMetricsAsync(
                $"/api/metrics/performance?{TrafficFixture.Week.Query}&service={TrafficGenerator.Orders}&endpoint={Escape("/api/orders")}");

            var inRange = RequestsIn(RangeOf(byTemplate));
            ExpectedAnswers.Performance(inRange.Where(e => e.Endpoint == "/api/orders/{id}").ToList(), byTemplate, $"{state} endpoint filter");
            Assert.Equal(["DELETE", "GET"], byTemplate.Items("endpoints").Select(e => e.Text("method")).Order());
            Assert.Equal(JsonValueKind.Null, byTemplate.GetProperty("summary").GetProperty("countries").ValueKind);
            ExpectedAnswers.Performance(inRange.Where(e => e.Service == TrafficGenerator.Orders && e.Endpoint == "/api/orders").ToList(), both,
                $"{state} service and endpoint filter");
        }
    }

    [Fact]
    public async Task Performance_filter_matching_nothing_reports_zeros_and_no_endpoints()
    {
        var response = await fixture.Compacted.Client.GetMetricsAsync("/api/metrics/performance?range=7d&service=no-such-service");

        var summary = response.GetProperty("summary");
        foreach (var field in new[] { "requests", "avgMs", "p50Ms", "p95Ms", "p99Ms", "errorRate", "activeUsers" })
            Assert.Equal(0, summary.Double(field));
        Assert.Empty(response.Items("endpoints"));
    }
}
