using System.Net;
using Metrics.Functions.Tests.Operations;
using Metrics.Rollups;
using Metrics.Storage;
using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Ingest;

[Collection(AzuriteCollection.Name)]
public sealed class UsageIngestionTests(SharedAzurite azurite) : IAsyncLifetime
{
    private TestApp _app = null!;
    private static DateTimeOffset Now => DateTimeOffset.UtcNow.AddMinutes(-1);

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite.ConnectionString);
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Text_plain_beacon_from_an_allowed_origin_is_stored_without_the_ip()
    {
        var response = await _app.Client.PostUsageAsync(Batches.Usage(TestApp.Site, Batches.UsageEvent("b1", Now)), mediaType: "text/plain", country: "de");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(TestApp.Origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var row = Assert.Single(await _app.Storage.AllAsync(TableNames.UsageEvents));
        Assert.Equal("page_view", row.GetString("Type"));
        Assert.Equal("/pricing", row.GetString("Page"));
        Assert.Equal("DE", row.GetString("Country"));
        Assert.Equal("{\"plan\":\"pro\"}", row.GetString("Properties"));
        Assert.StartsWith("anon-", row.GetString("VisitorId"));
        Assert.DoesNotContain(row, p => p.Value?.ToString()?.Contains("127.0.0.1", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(row, p => p.Value?.ToString()?.Contains("example.com", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Same_browser_on_the_same_day_is_one_anonymous_visitor_and_a_signed_in_user_is_their_id()
    {
        await _app.Client.PostUsageAsync(Batches.Usage(TestApp.Site, Batches.UsageEvent("a1", Now), Batches.UsageEvent("a2", Now)));
        await _app.Client.PostUsageAsync(Batches.Usage(TestApp.Site, Batches.UsageEvent("a3", Now, userId: "u-7")));

        var visitors = (await _app.Storage.AllAsync(TableNames.UsageEvents)).ToDictionary(r => r.GetString("Id"), r => r.GetString("VisitorId"));
        Assert.Equal(visitors["a1"], visitors["a2"]);
        Assert.Equal("u-7", visitors["a3"]);
    }

    [Fact]
    public async Task Preflight_from_an_allowed_origin_is_answered_with_cors_headers()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/ingest/usage");
        request.Headers.Add("Origin", TestApp.Origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");

        var response = await _app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(TestApp.Origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("POST", response.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.Contains("Content-Type", response.Headers.GetValues("Access-Control-Allow-Headers").Single());
    }

    [Fact]
    public async Task Preflight_from_a_foreign_origin_is_refused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/ingest/usage");
        request.Headers.Add("Origin", "https://evil.example.net");

        var response = await _app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Beacon_from_a_foreign_origin_is_403_and_stores_nothing()
    {
        var response = await _app.Client.PostUsageAsync(Batches.Usage(TestApp.Site, Batches.UsageEvent("f1", Now)), origin: "https://evil.example.net");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await _app.Storage.AllAsync(TableNames.UsageEvents));
    }

    [Fact]
    public async Task Unknown_site_key_is_401()
    {
        var response = await _app.Client.PostUsageAsync(Batches.Usage("site_unknown", Batches.UsageEvent("u1", Now)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("site_unknown", (await response.ReadJsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Bot_beacons_are_dropped_and_counted()
    {
        var response = await _app.Client.PostUsageAsync(Batches.Usage(TestApp.Site, Batches.UsageEvent("bot1", Now)),
            userAgent: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(0, (await response.ReadJsonAsync()).GetProperty("accepted").GetInt32());
        Assert.Empty(await _app.Storage.AllAsync(TableNames.UsageEvents));
        Assert.Equal(1, (await Scrape.TakeAsync(_app)).Sum("metrics_ingest_events_total", "kind=usage", "outcome=bot"));
    }

    [Fact]
    public async Task Unknown_event_type_is_rejected_with_the_allowed_types()
    {
        var response = await _app.Client.PostUsageAsync(Batches.Usage(TestApp.Site, Batches.UsageEvent("t1", Now, type: "scroll")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.ReadJsonAsync()).GetProperty("detail").GetString();
        Assert.Contains("type 'scroll' is not one of", detail);
        Assert.Contains("feature_use", detail);
    }

    [Fact]
    public async Task Client_over_its_beacon_rate_gets_429_with_retry_after()
    {
        await using var limited = await TestApp.StartAsync(azurite.ConnectionString, new Dictionary<string, string?> { ["Ingest:BeaconsPerMinute"] = "2" });
        var batch = Batches.Usage(TestApp.Site, Batches.UsageEvent("r1", Now));

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage last = null!;
        for (var i = 0; i < 3; i++) statuses.Add((last = await limited.Client.PostUsageAsync(batch)).StatusCode);

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests], statuses);
        Assert.True(last.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal("application/problem+json", last.Content.Headers.ContentType?.MediaType);
    }
}
