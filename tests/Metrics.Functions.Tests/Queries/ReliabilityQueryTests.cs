using System.Globalization;
using System.Text.Json;
using Metrics.Tests.Shared;
using static Metrics.Functions.Tests.Queries.MetricsCalls;

namespace Metrics.Functions.Tests.Queries;

[Collection(AzuriteCollection.Name)]
public sealed class ReliabilityQueryTests(ReliabilityFixture fixture) : IClassFixture<ReliabilityFixture>
{
    private static readonly string Range = $"from={Iso(ReliabilityFixture.First)}&to={Iso(ReliabilityFixture.End)}";

    [Fact]
    public async Task Error_spike_after_a_quiet_day_is_flagged_and_no_other_hour_is()
    {
        foreach (var state in fixture.States)
        foreach (var service in new[] { ReliabilityFixture.Checkout, null })
        {
            var filter = service is null ? "" : $"&service={service}";
            var response = await state.Client.GetMetricsAsync($"/api/metrics/reliability?{Range}{filter}");

            var hours = AssertHours(response, service, $"{state} service={service ?? "(all)"}");
            Assert.Equal([ReliabilityFixture.Spike], hours.Where(h => h.GetProperty("spike").GetBoolean()).Select(h => h.GetProperty("at").GetDateTimeOffset()));
            Assert.Equal(service, response.GetProperty("service").ValueKind == JsonValueKind.Null ? null : response.Text("service"));
        }
    }

    [Fact]
    public async Task Service_without_the_outage_has_no_spike()
    {
        foreach (var state in fixture.States)
        {
            var response = await state.Client.GetMetricsAsync($"/api/metrics/reliability?{Range}&service={ReliabilityFixture.Catalog}");

            Assert.DoesNotContain(AssertHours(response, ReliabilityFixture.Catalog, $"{state} catalog"), h => h.GetProperty("spike").GetBoolean());
        }
    }

    [Fact]
    public async Task Hours_before_the_range_are_the_baseline_of_its_first_hours()
    {
        foreach (var state in fixture.States)
        {
            // The range starts at the outage: only hours outside the range show that it departs from normal.
            var response = await state.Client.GetMetricsAsync(
                $"/api/metrics/reliability?from={Iso(ReliabilityFixture.Spike)}&to={Iso(ReliabilityFixture.End)}&service={ReliabilityFixture.Checkout}");

            var hours = AssertHours(response, ReliabilityFixture.Checkout, $"{state} range starting at the outage");
            Assert.True(hours[0].GetProperty("spike").GetBoolean());
            Assert.DoesNotContain(hours.Skip(1), h => h.GetProperty("spike").GetBoolean());
        }
    }

    [Fact]
    public async Task Hours_without_traffic_are_listed_with_zeros_and_never_spike()
    {
        var response = await fixture.States[^1].Client.GetMetricsAsync($"/api/metrics/reliability?range=7d&service={ReliabilityFixture.Checkout}");

        var hours = AssertHours(response, ReliabilityFixture.Checkout, "7 days");
        Assert.Equal(7 * 24, hours.Count);
        var idle = hours.Where(h => h.Long("requests") == 0).ToList();
        Assert.Equal(7 * 24 - 36, idle.Count);
        Assert.All(idle, h =>
        {
            Assert.False(h.GetProperty("spike").GetBoolean());
            Assert.Equal(0, h.Double("errorRate"));
            Assert.Equal(0, h.Double("p99Ms"));
        });
        Assert.Single(hours, h => h.GetProperty("spike").GetBoolean());
    }

    [Fact]
    public async Task Asked_percentiles_are_shown_each_hour_within_one_percent_with_the_exact_minimum_and_maximum()
    {
        double[] asked = [0, 50, 90, 99.9, 100];
        foreach (var state in fixture.States)
        foreach (var service in new[] { ReliabilityFixture.Checkout, null })
        {
            var filter = service is null ? "" : $"&service={service}";
            var response = await state.Client.GetMetricsAsync($"/api/metrics/reliability?{Range}{filter}&percentiles=50,%2099.9,90,0,100,50");

            var hours = AssertHours(response, service, $"{state} service={service ?? "(all)"} percentiles");
            foreach (var hour in hours)
            {
                var at = hour.GetProperty("at").GetDateTimeOffset();
                var exact = new ExactRequests(fixture.Events.Where(e => (service is null || e.Service == service) && e.Timestamp >= at && e.Timestamp < at.AddHours(1)));
                var what = $"{state} {service ?? "(all)"} at {at:MM-dd HH:mm}";
                var percentiles = hour.GetProperty("percentiles");
                // Asked once each, in the order asked, whatever the spaces and repeats.
                Assert.Equal(["p50", "p99.9", "p90", "p0", "p100"], percentiles.EnumerateObject().Select(p => p.Name));
                foreach (var p in asked) QueryAssert.Percentile(exact.Quantile(p / 100), percentiles.Double(string.Create(CultureInfo.InvariantCulture, $"p{p}")), $"{what} p{p}");
                QueryAssert.Equal(exact.Requests == 0 ? 0 : exact.SortedDurations[0], hour.Double("minMs"), $"{what} minMs");
                QueryAssert.Equal(exact.Requests == 0 ? 0 : exact.SortedDurations[^1], hour.Double("maxMs"), $"{what} maxMs");
                QueryAssert.Equal(hour.Double("minMs"), percentiles.Double("p0"), $"{what} p0 is the minimum");
                QueryAssert.Equal(hour.Double("maxMs"), percentiles.Double("p100"), $"{what} p100 is the maximum");
            }
        }
    }

    [Fact]
    public async Task Without_percentiles_each_hour_shows_p95_and_p99()
    {
        var response = await fixture.States[0].Client.GetMetricsAsync($"/api/metrics/reliability?{Range}");

        Assert.All(response.Items("hours"), hour =>
        {
            Assert.Equal(["p95", "p99"], hour.GetProperty("percentiles").EnumerateObject().Select(p => p.Name));
            Assert.Equal(hour.Double("p95Ms"), hour.GetProperty("percentiles").Double("p95"));
            Assert.Equal(hour.Double("p99Ms"), hour.GetProperty("percentiles").Double("p99"));
        });
    }

    /// <summary>Every hour of the range, each with its exact requests and error rate and p95/p99 within 1%.</summary>
    private List<JsonElement> AssertHours(JsonElement response, string? service, string context)
    {
        var window = RangeOf(response);
        var hours = response.Items("hours").ToList();
        Assert.Equal((int)(window.To - window.From).TotalHours, hours.Count);
        foreach (var (hour, index) in hours.Select((h, i) => (h, i)))
        {
            var at = window.From.AddHours(index);
            Assert.Equal(at, hour.GetProperty("at").GetDateTimeOffset());
            var exact = new ExactRequests(fixture.Events.Where(e => (service is null || e.Service == service) && e.Timestamp >= at && e.Timestamp < at.AddHours(1)));
            var what = $"{context} at {at:MM-dd HH:mm}";
            QueryAssert.Equal(exact.Requests, hour.Long("requests"), $"{what} requests");
            QueryAssert.Equal(exact.ErrorRate, hour.Double("errorRate"), $"{what} errorRate");
            QueryAssert.Percentile(exact.Quantile(0.95), hour.Double("p95Ms"), $"{what} p95Ms");
            QueryAssert.Percentile(exact.Quantile(0.99), hour.Double("p99Ms"), $"{what} p99Ms");
        }
        return hours;
    }
}
