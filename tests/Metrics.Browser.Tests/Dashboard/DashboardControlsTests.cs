using System.Text.RegularExpressions;
using Metrics.Functions.Tests;
using Metrics.Tests.Shared;
using Microsoft.Playwright;
using static Metrics.Browser.Tests.Dashboard.DashboardBrowser;

namespace Metrics.Browser.Tests.Dashboard;

/// <summary>The controls an admin reaches for: refresh (now and on a schedule), a model filter, anonymous visitors in or out, the average card.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DashboardControlsTests(SharedAzurite azurite, Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite.ConnectionString);
        await new DashboardTraffic(_app).SendAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private const int Requests = DashboardTraffic.Orders + DashboardTraffic.Search;

    [Fact]
    public async Task Auto_refresh_kept_in_the_url_shows_new_requests_when_its_interval_has_passed_and_the_time_of_the_last_refresh()
    {
        var (page, problems) = await OpenAsync(chromium, _app, query: "?refresh=30", fakeClock: true);
        var drawn = await DrawnAsync(page);
        await Assertions.Expect(page.Locator("#auto-refresh")).ToHaveValueAsync("30");
        Assert.Equal($"{Requests}", await CardAsync(page, "Requests"));
        var updated = await page.Locator("#refreshed").TextContentAsync();
        Assert.Matches(@"^Updated \d", updated);

        // Five more requests arrive; 31 seconds later (the page's clock, moved by the test) the page shows them unasked.
        await new DashboardTraffic(_app).IngestAsync("/api/ingest/requests", "late-api",
            Enumerable.Range(0, 5).Select(i => DashboardTraffic.Request($"late-{i}", "late-api", DashboardTraffic.Recent, "/late", 200, 5, "user-late", "ES")));
        await page.Clock.FastForwardAsync("00:31");
        drawn = await DrawnAsync(page, drawn);
        Assert.Equal($"{Requests + 5}", await CardAsync(page, "Requests"));
        await Assertions.Expect(page.Locator("#refreshed")).Not.ToHaveTextAsync(updated!);
        await ScreenshotAsync(page, "dashboard-refresh.png");

        // The button refreshes at once; "off" takes the interval out of the URL and nothing is asked again after it.
        await page.ClickAsync("#refresh");
        drawn = await DrawnAsync(page, drawn);
        await page.SelectOptionAsync("#auto-refresh", "0");
        drawn = await DrawnAsync(page, drawn);
        Assert.DoesNotContain("refresh=", page.Url, StringComparison.Ordinal);
        await page.Clock.FastForwardAsync("10:00");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.Equal(drawn, await DrawnAsync(page, drawn - 1));
        await page.SelectOptionAsync("#auto-refresh", "300");
        await DrawnAsync(page, drawn);
        Assert.Contains("refresh=300", page.Url, StringComparison.Ordinal);
        Assert.Empty(problems);
    }

    [Fact]
    public async Task The_average_response_time_card_stands_beside_the_percentiles_with_its_change()
    {
        var (page, problems) = await OpenAsync(chromium, _app);
        await DrawnAsync(page);
        await ComparedAsync(page);

        // orders-api took 10..39 ms, search-api 200..209 ms: 2,780 ms over 40 requests. The day before: 8..27 ms, 17.5 ms on average.
        const double average = (735 + 2045) / 40.0, before = 17.5;
        Assert.Equal("69.5 ms", await CardAsync(page, "Average"));
        var change = Math.Round((average - before) / before * 100);
        await Assertions.Expect(page.Locator("[data-measure=Average] .change")).ToHaveTextAsync($"+{change}% vs previous");
        await Assertions.Expect(page.Locator("[data-measure=Average] .change")).ToHaveClassAsync(new Regex("worse"));
        Assert.Equal(["Requests", "Error rate (4xx + 5xx)", "Server errors (5xx)", "Average response time", "p50", "p95", "p99", "Active users"],
            await page.Locator("#summary dt").AllTextContentsAsync());
        Assert.Empty(problems);
    }

    [Fact]
    public async Task A_model_filter_keeps_every_request_section_to_that_model_and_the_url_carries_it()
    {
        await new DashboardTraffic(_app).SendModelsAsync();
        var (page, problems) = await OpenAsync(chromium, _app);
        var drawn = await DrawnAsync(page);

        await page.FillAsync("#model", "gpt-large");
        await page.ClickAsync("#filters button[type=submit]");
        drawn = await DrawnAsync(page, drawn);

        Assert.Contains("model=gpt-large", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#active-filters li")).ToHaveTextAsync("model: gpt-large×");
        Assert.Equal($"{DashboardTraffic.Large}", await CardAsync(page, "Requests"));
        Assert.Equal("400 ms", await CardAsync(page, "Average"));
        Assert.Equal(DashboardTraffic.Large, await ChartTotalAsync(page, "chart-requests"));
        Assert.Equal(["POST /complete (llm-api)", $"{DashboardTraffic.Large}"], await CellsAsync(page, "endpoints", "POST /complete (llm-api)", 2));
        await Assertions.Expect(page.Locator("#usage-report")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#usage-note")).ToContainTextAsync("browser beacons carry no model");

        // A model row of the breakdown filters by that model; the link brings the view back.
        await page.SelectOptionAsync("#by", "model");
        drawn = await DrawnAsync(page, drawn);
        await page.ClickAsync("#active-filters button[aria-label='Clear the model filter']");
        drawn = await DrawnAsync(page, drawn);
        await ComparedAsync(page, drawn);
        await page.ClickAsync("#breakdown button.filter:text-is('gpt-small')");
        await DrawnAsync(page, drawn);
        Assert.Equal($"{DashboardTraffic.Small}", await CardAsync(page, "Requests"));
        Assert.Equal("100 ms", await CardAsync(page, "Average"));
        await ScreenshotAsync(page, "dashboard-model-filter.png");

        var (again, _) = await OpenAsync(chromium, _app, query: new Uri(page.Url).Query);
        await DrawnAsync(again);
        await Assertions.Expect(again.Locator("#model")).ToHaveValueAsync("gpt-small");
        Assert.Equal($"{DashboardTraffic.Small}", await CardAsync(again, "Requests"));
        Assert.Empty(problems);
    }

    [Fact]
    public async Task Leaving_out_anonymous_visitors_counts_signed_in_users_only_and_the_url_keeps_the_choice()
    {
        await new DashboardTraffic(_app).SendSignedInBeaconsAsync();
        var (page, problems) = await OpenAsync(chromium, _app);
        var drawn = await DrawnAsync(page);
        // Six anonymous beacons from one browser (one visitor) and two of member-1.
        await Assertions.Expect(page.Locator("#include-anonymous")).ToBeCheckedAsync();
        Assert.Equal("8", await CardAsync(page, "Events"));
        Assert.Equal("2", await CardAsync(page, "Visitors"));

        await page.UncheckAsync("#include-anonymous");
        drawn = await DrawnAsync(page, drawn);

        Assert.Contains("includeAnonymous=false", page.Url, StringComparison.Ordinal);
        Assert.Equal($"{DashboardTraffic.SignedInEvents}", await CardAsync(page, "Events"));
        Assert.Equal("1", await CardAsync(page, "Visitors"));
        Assert.Equal("1", await CardAsync(page, "Signed-in users"));
        Assert.Equal(["/account", "2", "1"], await CellsAsync(page, "pages", "/account", 3));
        await Assertions.Expect(page.Locator("#pages td", new() { HasTextString = "/pricing" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#chart-usage")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#usage-note")).ToContainTextAsync("signed-in users only");
        await ComparedAsync(page);
        await page.Locator("#usage").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotFolder, "dashboard-signed-in-only.png") });

        var (again, _) = await OpenAsync(chromium, _app, query: new Uri(page.Url).Query);
        await DrawnAsync(again);
        await Assertions.Expect(again.Locator("#include-anonymous")).Not.ToBeCheckedAsync();
        Assert.Equal($"{DashboardTraffic.SignedInEvents}", await CardAsync(again, "Events"));
        await again.CheckAsync("#include-anonymous");
        await DrawnAsync(again, 1);
        Assert.Equal("8", await CardAsync(again, "Events"));
        Assert.DoesNotContain("includeAnonymous", again.Url, StringComparison.Ordinal);
        Assert.Empty(problems);
    }
}
