using System.Text.Json;
using static Metrics.Functions.Tests.Queries.MetricsCalls;

namespace Metrics.Functions.Tests.Queries;

public sealed partial class TrafficQueryTests
{
    private static readonly string[] MetricNames =
        ["requests", "errors", "errorRate", "avgMs", "p50Ms", "p95Ms", "p99Ms", "cpuMs", "gpuMs", "units", "spend", "syncRequests", "asyncRequests", "users", "countries"];

    public static readonly TheoryData<string> ValueMetrics = new(MetricNames);

    [Theory]
    [MemberData(nameof(ValueMetrics))]
    public async Task Value_of_each_metric_equals_an_exact_computation_for_every_service_and_all_of_them(string metric)
    {
        foreach (var state in fixture.States)
        foreach (var service in state == fixture.Compacted ? [.. TrafficGenerator.AllServices, null] : new[] { TrafficGenerator.Inference, null })
        {
            var range = service == TrafficGenerator.Billing ? TrafficFixture.WholeDays : TrafficFixture.Ragged;
            var filter = service is null ? "" : $"&service={service}";
            var response = await state.Client.GetMetricsAsync($"/api/metrics/value?{range.Query}&metric={metric}{filter}");

            var window = RangeOf(response);
            var what = $"{state} {range} service={service ?? "(all)"} metric={metric}";
            QueryAssert.Equal(range.Expected, window, $"{what}: range");
            Assert.Equal(metric, response.Text("metric"));
            Assert.Equal(service, response.GetProperty("service").ValueKind == JsonValueKind.Null ? null : response.Text("service"));
            var exact = new ExactRequests(RequestsIn(window).Where(e => service is null || e.Service == service), TrafficGenerator.Prices);
            AssertValue(metric, exact, response.Decimal("value"), what);
        }
    }

    [Fact]
    public async Task Value_default_metric_is_requests()
    {
        var response = await fixture.Compacted.Client.GetMetricsAsync($"/api/metrics/value?range=7d&service={TrafficGenerator.Search}");

        Assert.Equal("requests", response.Text("metric"));
        Assert.Equal(RequestsIn(RangeOf(response)).Count(e => e.Service == TrafficGenerator.Search), response.Decimal("value"));
    }

    [Fact]
    public async Task Value_of_an_unknown_service_is_zero_for_every_metric()
    {
        foreach (var metric in MetricNames)
        {
            var response = await fixture.Compacted.Client.GetMetricsAsync($"/api/metrics/value?range=7d&metric={metric}&service=no-such-service");

            Assert.Equal(0m, response.Decimal("value"));
        }
    }

    private static void AssertValue(string metric, ExactRequests exact, decimal value, string what)
    {
        switch (metric)
        {
            case "requests": QueryAssert.Equal(exact.Requests, value, what); break;
            case "errors": QueryAssert.Equal(exact.Errors, value, what); break;
            case "units": QueryAssert.Equal(exact.Units, value, what); break;
            case "syncRequests": QueryAssert.Equal(exact.SyncRequests, value, what); break;
            case "asyncRequests": QueryAssert.Equal(exact.AsyncRequests, value, what); break;
            case "countries": QueryAssert.Equal(exact.Countries, value, what); break;
            case "users": QueryAssert.Distinct(exact.Users, (long)value, what); break;
            case "spend": QueryAssert.Equal(exact.Spend, value, what); break;
            // Whole microseconds as milliseconds: three decimals, exact in decimal.
            case "cpuMs": QueryAssert.Equal(exact.CpuMicros / 1000m, value, what); break;
            case "gpuMs": QueryAssert.Equal(exact.GpuMicros / 1000m, value, what); break;
            case "errorRate": QueryAssert.Close(exact.ErrorRate, (double)value, what); break;
            case "avgMs": QueryAssert.Close(exact.AvgMs, (double)value, what); break;
            case "p50Ms": QueryAssert.Percentile(exact.Quantile(0.50), (double)value, what); break;
            case "p95Ms": QueryAssert.Percentile(exact.Quantile(0.95), (double)value, what); break;
            case "p99Ms": QueryAssert.Percentile(exact.Quantile(0.99), (double)value, what); break;
            default: throw new ArgumentOutOfRangeException(nameof(metric), metric, null);
        }
    }
}
