using System.Text.Json;
using Azure.Data.Tables;
using Metrics.Functions.Tests;
using Metrics.Rollups;
using Metrics.Storage;
using Metrics.Tests.Shared;
using Microsoft.Playwright;

namespace Metrics.Browser.Tests;

/// <summary>
/// The tracker in a real browser: a customer's page includes <c>/api/tracker.js</c>, a person clicks and
/// leaves, and the beacons end up as rows in the app's UsageEvents table.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class UsageTrackingTests(SharedAzurite azurite, Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    /// <summary>Set to a folder to keep a screenshot of the tracked page (a look at what the test sees).</summary>
    internal const string ScreenshotVariable = "METRICS_BROWSER_SCREENSHOTS";
    private static readonly TimeSpan StorageWait = TimeSpan.FromSeconds(15);

    private TrackedSite _site = null!;
    private TrackedSite _foreignSite = null!;
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _site = await TrackedSite.StartAsync();
        _foreignSite = await TrackedSite.StartAsync();
        _app = await TestApp.StartAsync(azurite.ConnectionString, new Dictionary<string, string?> { ["Sites:0:Origins"] = _site.Origin });
        _site.AppPage = TrackedSite.PricingPage(_app.Client.BaseAddress!, TestApp.Site);
        _foreignSite.AppPage = TrackedSite.PricingPage(_app.Client.BaseAddress!, TestApp.Site, explicitApi: true);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _site.DisposeAsync();
        await _foreignSite.DisposeAsync();
    }

    [Fact]
    public async Task Page_views_clicks_features_and_forms_from_a_browser_are_stored_as_usage_events()
    {
        var started = DateTimeOffset.UtcNow;
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync($"{_site.Origin}/app/pricing?email=someone@example.com");
        await page.WaitForFunctionAsync("() => window.metrics && window.metrics.track.length === 3");
        await page.ClickAsync("#upgrade-button");
        await page.EvaluateAsync("() => metrics.track('feature_use', 'export', { format: 'csv' })");
        await page.ClickAsync("#settings-link");
        if (Environment.GetEnvironmentVariable(ScreenshotVariable) is { Length: > 0 } folder)
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, "tracked-page.png"), FullPage = true });
        await page.EvaluateAsync("() => { metrics.identify('user-42'); metrics.track('custom', 'signed_in'); }");
        await page.FillAsync("input[name=email]", "someone@example.com");
        // Submitting leaves the page: pagehide is what flushes the last beacon.
        await page.ClickAsync("#subscribe");
        await page.WaitForURLAsync("**/thanks**");

        var rows = await RowsAsync(count: 8);

        Assert.Equal(["button_click", "button_click", "button_click", "custom", "feature_use", "form_submit", "page_view", "page_view"],
            rows.Select(r => r.GetString("Type")).Order());
        var pageViews = rows.Where(r => r.GetString("Type") == "page_view").Select(r => r.GetString("Page")).Order();
        Assert.Equal(["/app/pricing", "/app/settings"], pageViews);
        // Buttons are recorded without markup: data-metrics-click names one, else its id, else its text.
        var clicks = rows.Where(r => r.GetString("Type") == "button_click").Select(r => (r.GetString("Page"), r.GetString("Name"), r.GetString("ElementId")));
        Assert.Equal([("/app/pricing", "upgrade", "upgrade-button"), ("/app/pricing", "settings-link", "settings-link"), ("/app/settings", "subscribe", "subscribe")],
            clicks.OrderBy(c => c.Item2 == "upgrade" ? 0 : c.Item2 == "settings-link" ? 1 : 2));
        var feature = Single(rows, "feature_use");
        Assert.Equal(("/app/pricing", "export", "{\"format\":\"csv\"}"), (feature.GetString("Page"), feature.GetString("Name"), feature.GetString("Properties")));
        var form = Single(rows, "form_submit");
        Assert.Equal(("/app/settings", "newsletter", "newsletter-form", "{\"outcome\":\"submitted\"}"),
            (form.GetString("Page"), form.GetString("Name"), form.GetString("ElementId"), form.GetString("Properties")));

        // Before identify the visitor is the day's anonymous hash; after it, the user id.
        var anonymous = rows.Where(r => r.GetString("UserId") is null).ToList();
        Assert.Equal(5, anonymous.Count);
        Assert.Single(anonymous.Select(r => r.GetString("VisitorId")).Distinct());
        Assert.StartsWith("anon-", anonymous[0].GetString("VisitorId"));
        Assert.All([Single(rows, "custom"), form], r => Assert.Equal(("user-42", "user-42"), (r.GetString("UserId"), r.GetString("VisitorId"))));

        // One tab is one session, across the in-app navigation; each event has its own random id.
        Assert.Single(rows.Select(r => r.GetString("SessionId")).Distinct());
        Assert.Matches("^[0-9a-f-]{36}$", rows[0].GetString("SessionId"));
        Assert.All(rows, r => Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", r.GetString("Id")));
        Assert.Equal(8, rows.Select(r => r.GetString("Id")).Distinct().Count());
        Assert.All(rows, r => Assert.InRange(r.GetDateTimeOffset("OccurredAt")!.Value, started.AddSeconds(-5), DateTimeOffset.UtcNow));
        Assert.All(rows, r => Assert.Equal(TestApp.Site, r.GetString("Site")));
        Assert.DoesNotContain(rows.SelectMany(r => r), p => p.Value?.ToString()?.Contains("someone@example.com", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Beacons_from_a_page_on_an_origin_the_site_does_not_allow_are_refused_and_store_nothing()
    {
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        var beacon = page.WaitForResponseAsync(r => r.Url.EndsWith("/api/ingest/usage", StringComparison.Ordinal),
            new PageWaitForResponseOptions { Timeout = (float)StorageWait.TotalMilliseconds });

        await page.GotoAsync($"{_foreignSite.Origin}/app/pricing");
        await page.WaitForFunctionAsync("() => window.metrics && window.metrics.track.length === 3");
        await page.ClickAsync("#upgrade-button");
        await page.EvaluateAsync("() => metrics.track('feature_use', 'export', { format: 'csv' })");

        // The tracker's timer sends the batch; the app answers it before storing anything.
        var response = await beacon;
        Assert.Equal(403, response.Status);
        Assert.Equal("POST", response.Request.Method);
        Assert.Empty(await _app.Storage.AllAsync(TableNames.UsageEvents));
    }

    [Fact]
    public async Task When_the_browser_refuses_a_beacon_the_tracker_sends_the_batch_with_fetch_instead()
    {
        await using var context = await chromium.NewContextAsync();
        await context.AddInitScriptAsync("Object.defineProperty(Navigator.prototype, 'sendBeacon', { value: () => false });");
        var page = await context.NewPageAsync();

        await page.GotoAsync($"{_site.Origin}/app/pricing");
        await page.WaitForFunctionAsync("() => window.metrics && window.metrics.track.length === 3");
        await page.EvaluateAsync("() => metrics.track('feature_use', 'export', { format: 'csv' })");
        await page.GotoAsync($"{_site.Origin}/thanks");

        var rows = await RowsAsync(count: 2);
        Assert.Equal(["feature_use", "page_view"], rows.Select(r => r.GetString("Type")).Order());
    }

    [Fact]
    public async Task What_is_unacknowledged_when_the_page_goes_leaves_in_beacons_of_at_most_1000_events_that_browsers_accept()
    {
        await using var context = await chromium.NewContextAsync();
        // The app never answers the first batch, so everything after it waits behind it (one request at a time).
        await context.AddInitScriptAsync("""
            window.beacons = [];
            window.fetch = () => new Promise(() => {});
            Object.defineProperty(Navigator.prototype, 'sendBeacon', { value: (url, blob) => { window.beacons.push(blob); return true; } });
            """);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{_site.Origin}/app/pricing");
        await page.WaitForFunctionAsync("() => window.metrics");

        var beacons = await page.EvaluateAsync<JsonElement>("""
            async () => {
              for (let i = 0; i < 2500; i++) metrics.track('custom', 'tick', { i });
              window.dispatchEvent(new Event('pagehide'));
              return Promise.all(window.beacons.map(async b => ({ type: b.type, bytes: b.size, events: JSON.parse(await b.text()).events.length })));
            }
            """);

        // 2,501 events with the page view, none acknowledged: the outbox keeps the newest 1,000, and they all leave.
        var sent = beacons.EnumerateArray().Select(b => (Type: b.GetProperty("type").GetString(), Bytes: b.GetProperty("bytes").GetInt32(), Events: b.GetProperty("events").GetInt32())).ToList();
        Assert.Equal(1000, sent.Sum(b => b.Events));
        Assert.True(sent.Count > 1);
        Assert.All(sent, b => Assert.Equal(("text/plain", true, true), (b.Type, b.Events <= 1000, b.Bytes <= 60_000)));
    }

    [Fact]
    public async Task With_do_not_track_the_tracker_sends_nothing_and_stores_no_session()
    {
        Assert.Equal(0, await BeaconsOnLeavingAsync(doNotTrack: true));
        Assert.Equal(1, await BeaconsOnLeavingAsync(doNotTrack: false));
    }

    /// <summary>Counts the beacons the tracker sends when the page is hidden, with sending stubbed out.</summary>
    private async Task<int> BeaconsOnLeavingAsync(bool doNotTrack)
    {
        await using var context = await chromium.NewContextAsync();
        await context.AddInitScriptAsync($$"""
            window.sentBeacons = 0;
            Object.defineProperty(Navigator.prototype, 'sendBeacon', { value: () => { window.sentBeacons++; return true; } });
            if ({{(doNotTrack ? "true" : "false")}}) Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1' });
            """);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{_site.Origin}/app/pricing");
        await page.WaitForFunctionAsync("() => window.metrics");
        await page.ClickAsync("#upgrade-button");
        var sent = await page.EvaluateAsync<JsonElement>("""
            () => {
              metrics.track('feature_use', 'export');
              window.dispatchEvent(new Event('pagehide'));
              return { beacons: window.sentBeacons, session: sessionStorage.getItem('metrics.sid') };
            }
            """);
        Assert.Equal(doNotTrack, sent.GetProperty("session").ValueKind == JsonValueKind.Null);
        return sent.GetProperty("beacons").GetInt32();
    }

    private static TableEntity Single(List<TableEntity> rows, string type) => Assert.Single(rows, r => r.GetString("Type") == type);

    private Task<List<TableEntity>> RowsAsync(int count) => _app.RowsAsync(count, StorageWait);
}
