using System.Net;
using Metrics.Functions.Tests.Security;
using Metrics.Functions.Tests.Ingest;
using Metrics.Tests.Shared;
using static Metrics.Functions.Tests.Queries.MetricsCalls;

namespace Metrics.Functions.Tests.Queries;

[Collection(AzuriteCollection.Name)]
public sealed class OlderDataQueryTests(OlderDataFixture fixture) : IClassFixture<OlderDataFixture>
{
    private HttpClient Client => fixture.App.Client;

    public static readonly TheoryData<string> ThirtyDayRanges = new()
    {
        "range=30d",
        $"from={Iso(OlderDataFixture.Then.AddDays(-2).AddHours(-5.5))}&to={Iso(OlderDataFixture.Then.AddDays(-1).AddHours(2.25))}",
    };

    [Theory]
    [MemberData(nameof(ThirtyDayRanges))]
    public async Task Three_week_old_traffic_is_reported_exactly_once_the_clock_has_moved_on(string range)
    {
        var performance = await Client.GetMetricsAsync($"/api/metrics/performance?{range}");
        var window = RangeOf(performance);
        var requests = fixture.Old.Requests.Concat(fixture.Recent.Requests).Where(window.Contains).ToList();
        var usage = fixture.Old.Usage.Concat(fixture.Recent.Usage).Where(window.Contains).ToList();
        Assert.Contains(requests, e => e.Timestamp < OlderDataFixture.Now.AddDays(-14));

        ExpectedAnswers.Performance(requests, performance, range);
        ExpectedAnswers.Usage(usage, await Client.GetMetricsAsync($"/api/metrics/usage?{range}"), null, includeAnonymous: true, range);
        ExpectedAnswers.Breakdown(e => e.Model ?? "(none)", requests, await Client.GetMetricsAsync($"/api/metrics/breakdown?{range}&by=model"), range);

        var days = await Client.GetMetricsAsync($"/api/metrics/timeseries?{range}&interval=day");
        foreach (var point in days.Items("points"))
        {
            var day = point.GetProperty("at").GetDateTimeOffset();
            bool InDay(DateTimeOffset t) => t >= day && t < day.AddDays(1) && t >= window.From && t < window.To;
            QueryAssert.Equal(requests.LongCount(e => InDay(e.Timestamp)), point.Long("requests"), $"{range}: requests on {day:MM-dd}");
            QueryAssert.Equal(usage.LongCount(e => InDay(e.Timestamp)), point.Long("events"), $"{range}: events on {day:MM-dd}");
        }
    }

    [Fact]
    public async Task Seven_day_query_reports_only_the_recent_traffic()
    {
        var response = await Client.GetMetricsAsync("/api/metrics/performance?range=7d");

        ExpectedAnswers.Performance(fixture.Recent.Requests.Where(RangeOf(response).Contains).ToList(), response, "7d");
        // Requests were reported long before the week began: quiet days inside covered time are not gaps.
        Assert.Equal("complete", response.Source("requests")!.Value.Text("status"));
    }

    [Fact]
    public async Task Events_older_than_seven_days_by_the_current_clock_are_refused_and_change_nothing()
    {
        var stale = new TrafficGenerator(new TrafficOptions { Seed = 23 }).Request(OlderDataFixture.Now.AddDays(-8));

        using var response = await Client.PostRequestsAsync(Batches.Requests(stale.Service, [stale.ToJson()]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var performance = await Client.GetMetricsAsync("/api/metrics/performance?range=30d");
        Assert.Equal(fixture.Old.Requests.Count + fixture.Recent.Requests.Count, performance.GetProperty("summary").Long("requests"));
    }
}
