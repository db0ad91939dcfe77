using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Metrics.Functions.Tests;
using Metrics.Azurite;
using Metrics.Tests.Shared;
using Microsoft.Playwright;

namespace Metrics.Browser.Tests;

/// <summary>
/// The tracker loses nothing it can keep, in a real browser against the real app: a 503 is sent again after its
/// Retry-After, a closing page still delivers, and a whole session through a storage outage arrives complete. Links,
/// buttons and forms are recorded without markup.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TrackerDeliveryTests(SharedAzurite azurite, Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private static readonly TimeSpan DeliveryWait = TimeSpan.FromSeconds(90);

    private TrackedSite _site = null!;

    public async Task InitializeAsync() => _site = await TrackedSite.StartAsync();

    public async Task DisposeAsync() => await _site.DisposeAsync();

    [Fact]
    public async Task A_batch_refused_with_503_is_sent_again_after_its_Retry_After_and_stored_once()
    {
        await using var storage = await AzuriteLauncher.StartOnFreePortsAsync(Directory.CreateTempSubdirectory("azurite-tracker-").FullName);
        await using var app = await StartAppAsync(storage.ConnectionString);
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        var beacons = Beacons(page);
        await OpenAsync(page, "/app/step-0");

        await storage.StopAsync();
        // With the page view, 20 events: a batch leaves at once.
        await page.EvaluateAsync("() => { for (let i = 0; i < 19; i++) metrics.track('custom', 'step', { i }); }");
        await WaitUntilAsync(() => beacons.Any(b => b.Status == 503), "no beacon met the outage");
        await storage.StartAsync(TimeSpan.FromSeconds(60));

        var rows = await app.RowsAsync(20, DeliveryWait);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(20, (await app.RowsAsync(20, DeliveryWait)).Count);
        Assert.Equal(20, rows.Select(r => r.GetString("Id")).Distinct().Count());
        var answered = beacons.ToList();
        Assert.Equal(503, answered[0].Status);
        Assert.Equal(202, answered[^1].Status);
        // The app asked for 5 s; the tracker's own backoff would have tried again after about 1 s.
        Assert.True(answered[1].SentAt - answered[0].AnsweredAt >= TimeSpan.FromSeconds(4.5),
            $"tried again {(answered[1].SentAt - answered[0].AnsweredAt).TotalSeconds:F1} s after the 503's Retry-After of 5 s");
    }

    [Fact]
    public async Task A_page_closed_before_its_batch_left_delivers_it()
    {
        await using var app = await StartAppAsync(azurite.ConnectionString);
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await OpenAsync(page, "/app/step-0");

        // Five events wait for the tenth second or the twentieth event; the tab closes first.
        await page.EvaluateAsync("() => { for (let i = 0; i < 5; i++) metrics.track('custom', 'step', { i }); }");
        await page.CloseAsync(new PageCloseOptions { RunBeforeUnload = true });

        var rows = await app.RowsAsync(6, TimeSpan.FromSeconds(15));
        Assert.Equal(["custom", "custom", "custom", "custom", "custom", "page_view"], rows.Select(r => r.GetString("Type")).Order());
    }

    [Fact]
    public async Task What_a_tab_closed_during_an_outage_could_not_deliver_is_sent_by_the_sites_next_page_in_a_new_tab()
    {
        await using var storage = await AzuriteLauncher.StartOnFreePortsAsync(Directory.CreateTempSubdirectory("azurite-tracker-").FullName);
        await using var app = await StartAppAsync(storage.ConnectionString);
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await OpenAsync(page, "/app/step-0");
        await storage.StopAsync();

        // The page view and five events wait for their batch; the tab closes while storage is down, so its beacons are refused.
        await page.EvaluateAsync("() => { for (let i = 0; i < 5; i++) metrics.track('custom', 'step', { i }); }");
        await page.CloseAsync(new PageCloseOptions { RunBeforeUnload = true });
        await storage.StartAsync(TimeSpan.FromSeconds(60));
        var later = await context.NewPageAsync();
        await OpenAsync(later, "/app/later");

        var rows = await app.RowsAsync(7, DeliveryWait);
        Assert.Equal(["/app/later", "/app/step-0"], rows.Where(r => r.GetString("Type") == "page_view").Select(r => r.GetString("Page")).Order());
        Assert.Equal(5, rows.Count(r => r.GetString("Type") == "custom"));
        await later.WaitForFunctionAsync("() => !Object.keys(localStorage).some(k => k.startsWith('metrics.outbox.'))", null,
            new() { Timeout = (float)DeliveryWait.TotalMilliseconds });
    }

    [Fact]
    public async Task A_1000_event_session_over_five_pages_through_a_storage_outage_loses_nothing()
    {
        await using var storage = await AzuriteLauncher.StartOnFreePortsAsync(Directory.CreateTempSubdirectory("azurite-tracker-").FullName);
        await using var app = await StartAppAsync(storage.ConnectionString);
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        var beacons = Beacons(page);
        await OpenAsync(page, "/app/step-0");
        await storage.StopAsync();

        for (var step = 0; step < 5; step++)
        {
            // A steady stream: 200 events, 10 every 20 ms, while batches of 20 leave one at a time.
            await page.EvaluateAsync("""
                async first => {
                  for (let i = first; i < first + 200; i++) {
                    metrics.track('custom', 'step', { i });
                    if (i % 10 === 9) await new Promise(r => setTimeout(r, 20));
                  }
                }
                """, step * 200);
            if (step == 1)
            {
                // Two pages' worth met the outage (503s, then kept for the next page); storage comes back.
                await WaitUntilAsync(() => beacons.Any(b => b.Status == 503), "no beacon met the outage");
                await storage.StartAsync(TimeSpan.FromSeconds(60));
            }
            if (step < 4)
            {
                await page.ClickAsync("#next");
                await page.WaitForURLAsync($"**/app/step-{step + 1}");
                await page.WaitForFunctionAsync("() => window.metrics && window.metrics.track.length === 3");
            }
        }
        // The tab closes on whatever backlog is left. It can hand the browser only 64 KiB of beacons and keepalive
        // requests (on a machine starved of CPU the backlog of this 500 events/s stream outgrows that); the rest stays
        // in the outbox, and the site's next page, in a new tab, sends it.
        await page.CloseAsync(new PageCloseOptions { RunBeforeUnload = true });
        await OpenAsync(await context.NewPageAsync(), "/app/later");

        // 1,000 events, 6 page views, 4 clicks on "Next page".
        var rows = await app.RowsAsync(1010, DeliveryWait);
        var steps = rows.Where(r => r.GetString("Type") == "custom")
            .Select(r => JsonDocument.Parse(r.GetString("Properties")).RootElement.GetProperty("i").GetInt32()).Order();
        Assert.Equal(Enumerable.Range(0, 1000), steps);
        Assert.Equal(6, rows.Count(r => r.GetString("Type") == "page_view"));
        Assert.Equal(4, rows.Count(r => r.GetString("Type") == "button_click" && r.GetString("Name") == "next"));
        Assert.Equal(1010, rows.Count);
    }

    [Fact]
    public async Task Links_buttons_forms_and_scrolling_are_recorded_without_markup_once_per_intent()
    {
        await using var app = await StartAppAsync(azurite.ConnectionString);
        _site.AppPage = Page(app, """
            <p><a id="docs" href="/app/docs?token=secret" onclick="event.preventDefault()">Read the docs</a></p>
            <p><button>Save
                 changes</button> <button id="quiet" data-metrics-ignore>Quiet</button></p>
            <div data-metrics-ignore><button>Inside an ignored block</button></div>
            <form id="signup"><input name="email" required> <button>Sign up</button></form>
            <form id="search" onsubmit="event.preventDefault()"><input name="q"> <button>Search</button></form>
            <div style="height: 3000px"></div>
            """);
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{_site.Origin}/app/widgets");
        await page.WaitForFunctionAsync("() => window.metrics && window.metrics.track.length === 3");

        // Three quick clicks are one intent; one more after a second is another.
        for (var i = 0; i < 3; i++) await page.ClickAsync("text=Save changes");
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        await page.ClickAsync("text=Save changes");
        await page.ClickAsync("#quiet");
        await page.ClickAsync("text=Inside an ignored block");
        await page.ClickAsync("#docs");
        await page.ClickAsync("text=Sign up"); // the e-mail is required: the browser stops the submit
        await page.ClickAsync("text=Search"); // the page's script takes the submit over
        await page.EvaluateAsync("() => window.scrollTo(0, document.body.scrollHeight)");
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await page.GotoAsync($"{_site.Origin}/thanks");

        var rows = await app.RowsAsync(9, TimeSpan.FromSeconds(20));
        var seen = rows.Select(r => $"{r.GetString("Type")} {r.GetString("Name")} {r.GetString("Properties")}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal([
            "button_click Save changes ",
            "button_click Save changes ",
            "button_click Search ",
            "button_click Sign up ",
            $"button_click docs {{\"to\":\"{new Uri(_site.Origin).Authority}/app/docs\"}}",
            "custom scroll {\"depth\":100}",
            "form_submit search {\"outcome\":\"prevented\"}",
            "form_submit signup {\"outcome\":\"invalid\"}",
            "page_view  ",
        ], seen);
    }

    private async Task<TestApp> StartAppAsync(string connectionString)
    {
        var app = await TestApp.StartAsync(connectionString, new Dictionary<string, string?> { ["Sites:0:Origins"] = _site.Origin });
        _site.AppPage = Page(app, """
            <p><a id="next" href="#">Next page</a></p>
            <script>document.getElementById('next').href = '/app/step-' + (+location.pathname.split('-').pop() + 1);</script>
            """);
        return app;
    }

    private static string Page(TestApp app, string body) => $$"""
        <!doctype html>
        <html>
        <head>
          <meta charset="utf-8">
          <title>Tracked</title>
          <script defer src="{{WebUtility.HtmlEncode(new Uri(app.Client.BaseAddress!, "/api/tracker.js").ToString())}}" data-site="{{TestApp.Site}}"></script>
        </head>
        <body>
        {{body}}
        </body>
        </html>
        """;

    private async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync($"{_site.Origin}{path}");
        await page.WaitForFunctionAsync("() => window.metrics && window.metrics.track.length === 3");
    }

    /// <summary>Every answer to a beacon the page read, in order, with when its request left and when it was answered.</summary>
    private static ConcurrentQueue<Beacon> Beacons(IPage page)
    {
        var beacons = new ConcurrentQueue<Beacon>();
        var sent = new ConcurrentDictionary<IRequest, DateTime>();
        page.Request += (_, request) =>
        {
            if (request.Url.EndsWith("/api/ingest/usage", StringComparison.Ordinal)) sent[request] = DateTime.UtcNow;
        };
        page.Response += (_, response) =>
        {
            if (sent.TryGetValue(response.Request, out var at)) beacons.Enqueue(new Beacon(response.Status, at, DateTime.UtcNow));
        };
        return beacons;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string failure)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), failure);
            await Task.Delay(100);
        }
    }

    private sealed record Beacon(int Status, DateTime SentAt, DateTime AnsweredAt);
}
