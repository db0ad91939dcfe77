using System.Net;
using Metrics.Functions.Tests.Security;
using Metrics.Functions.Tests.Ingest;
using Metrics.Tests.Shared;
using static Metrics.Functions.Tests.Queries.MetricsCalls;

namespace Metrics.Functions.Tests.Queries;

/// <summary>
/// Raw rows are kept seven days, rollups ninety. Traffic sent three weeks ago (the fake clock set back) and compacted
/// then; the clock moved on to now, and a day of recent traffic sent and left uncompacted.
/// </summary>
public sealed class OlderDataFixture(SharedAzurite azurite) : IAsyncLifetime
{
    public static readonly DateTimeOffset Now = new(2026, 7, 20, 16, 22, 48, TimeSpan.Zero);
    public static readonly DateTimeOffset Then = Now.AddDays(-21);

    internal SharedClock Time { get; } = new(Then);
    internal TestApp App { get; private set; } = null!;
    internal Traffic Old { get; private set; } = null!;
    internal Traffic Recent { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await StoredTraffic.StartAppAsync(azurite, Time);
        await App.Client.SetPricesAsync(TrafficGenerator.Prices);
        Old = TrafficGenerator.Generate(new TrafficOptions { Seed = 21, Requests = 1_500, UsageEvents = 600, End = Then.AddMinutes(-5), Span = TimeSpan.FromDays(2.5) });
        await Old.PostAsync(App.Client);
        await App.RunCompactionAsync();

        // Anonymous visitors are hashed with a salt of the day they are seen: the recent ones are other browsers.
        Time.SetUtcNow(Now);
        Recent = TrafficGenerator.Generate(new TrafficOptions
        {
            Seed = 22, Requests = 400, UsageEvents = 200, FirstAnonymousVisitor = 1_000, End = Now.AddMinutes(-1), Span = TimeSpan.FromDays(1),
        });
        await Recent.PostAsync(App.Client);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

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

/// <summary>
/// Traffic sent eight days ago and never compacted in time: compaction leaves hours past raw retention to the nightly
/// run, so until then queries recompute them from raw rows, and afterwards read the finalised rollups.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class UncompactedOlderDataTests(SharedAzurite azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 7, 20, 16, 22, 48, TimeSpan.Zero);
    private static readonly DateTimeOffset Then = Now.AddDays(-8);

    private readonly SharedClock _time = new(Then);
    private TestApp _app = null!;
    private Traffic _traffic = null!;

    public async Task InitializeAsync()
    {
        _app = await StoredTraffic.StartAppAsync(azurite, _time);
        await _app.Client.SetPricesAsync(TrafficGenerator.Prices);
        _traffic = TrafficGenerator.Generate(new TrafficOptions { Seed = 31, Requests = 800, UsageEvents = 300, End = Then.AddMinutes(-5), Span = TimeSpan.FromDays(1.5) });
        await _traffic.PostAsync(_app.Client);
        _time.SetUtcNow(Now);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Answers_are_the_same_from_raw_rows_after_compaction_skipped_them_and_after_the_nightly_run()
    {
        foreach (var stage in new[] { "dirty past raw retention", "after compaction", "after the nightly run" })
        {
            if (stage == "after compaction") await _app.RunCompactionAsync();
            if (stage == "after the nightly run")
            {
                using var nightly = await _app.Client.SendAsync(HttpMethod.Post, "/admin/functions/NightlyAggregation", TestApp.AdminKey);
                Assert.Equal(HttpStatusCode.OK, nightly.StatusCode);
            }
            foreach (var range in new[] { "range=30d", $"from={Iso(Then.AddHours(-20.5))}&to={Iso(Then.AddHours(-3.25))}" })
            {
                var context = $"{stage} {range}";
                var performance = await _app.Client.GetMetricsAsync($"/api/metrics/performance?{range}");
                var window = RangeOf(performance);
                ExpectedAnswers.Performance(_traffic.Requests.Where(window.Contains).ToList(), performance, context);
                ExpectedAnswers.Usage(_traffic.Usage.Where(window.Contains).ToList(), await _app.Client.GetMetricsAsync($"/api/metrics/usage?{range}"),
                    null, includeAnonymous: true, context);
                ExpectedAnswers.Breakdown(e => e.Service, _traffic.Requests.Where(window.Contains).ToList(),
                    await _app.Client.GetMetricsAsync($"/api/metrics/breakdown?{range}&by=service"), context);
            }
        }
    }
}
