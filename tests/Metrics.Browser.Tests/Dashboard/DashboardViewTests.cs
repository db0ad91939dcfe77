using System.Text.RegularExpressions;
using Metrics.Functions.Tests;
using Metrics.Tests.Shared;
using Microsoft.Playwright;
using static Metrics.Browser.Tests.Dashboard.DashboardBrowser;

namespace Metrics.Browser.Tests.Dashboard;

/// <summary>The view an admin chooses: filters that reach every chart, a range, a URL that brings the same view back, and charts read by keyboard.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DashboardViewTests(SharedAzurite azurite, Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite.ConnectionString);
        await new DashboardTraffic(_app).SendAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Clicking_a_service_filters_every_chart_and_card_and_the_shared_url_restores_the_view()
    {
        var (page, problems) = await OpenAsync(chromium, _app);
        var drawn = await DrawnAsync(page);
        var latencyBefore = await ChartTotalAsync(page, "chart-latency");
        Assert.Equal(DashboardTraffic.Orders + DashboardTraffic.Search, await ChartTotalAsync(page, "chart-requests"));

        await ComparedAsync(page, drawn);
        await page.ClickAsync("#breakdown button.filter:text-is('search-api')");
        drawn = await DrawnAsync(page, drawn);

        Assert.Contains("service=search-api", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("[data-measure=Requests] dd")).ToHaveTextAsync(new Regex($"^{DashboardTraffic.Search}"));
        Assert.Equal(DashboardTraffic.Search, await ChartTotalAsync(page, "chart-requests"));
        Assert.NotEqual(latencyBefore, await ChartTotalAsync(page, "chart-latency"));
        Assert.Equal(["GET /search (search-api)"], await FirstColumnAsync(page, "endpoints"));
        await Assertions.Expect(page.Locator("#active-filters li")).ToHaveTextAsync("service: search-api×");

        // An endpoint row narrows to that endpoint; the range goes in the URL too.
        await page.ClickAsync("#ranges button[data-range='7d']");
        drawn = await DrawnAsync(page, drawn);
        await page.FillAsync("#service", "orders-api");
        await page.FillAsync("#endpoint", "/orders/{id}");
        await page.ClickAsync("#filters button[type=submit]");
        await DrawnAsync(page, drawn);
        Assert.Equal(DashboardTraffic.Orders / 2, await ChartTotalAsync(page, "chart-requests"));
        var shared = page.Url;
        Assert.Contains("range=7d", shared, StringComparison.Ordinal);

        var (again, _) = await OpenAsync(chromium, _app, query: new Uri(shared).Query);
        await DrawnAsync(again);
        Assert.Equal(DashboardTraffic.Orders / 2, await ChartTotalAsync(again, "chart-requests"));
        await Assertions.Expect(again.Locator("#service")).ToHaveValueAsync("orders-api");
        await Assertions.Expect(again.Locator("#endpoint")).ToHaveValueAsync("/orders/{id}");
        await Assertions.Expect(again.Locator("#ranges button[data-range='7d']")).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.Equal(7 * 24, int.Parse(await again.GetAttributeAsync("#chart-requests", "data-points") ?? "0", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(problems);
    }

    [Fact]
    public async Task Clicking_an_org_row_keeps_every_request_section_to_that_org_and_the_url_carries_it()
    {
        await new DashboardTraffic(_app).SendOrgsAsync();
        var (page, problems) = await OpenAsync(chromium, _app);
        var drawn = await DrawnAsync(page);
        var everyRequest = DashboardTraffic.Orders + DashboardTraffic.Search + DashboardTraffic.Acme + DashboardTraffic.Globex;
        Assert.Equal(everyRequest, await ChartTotalAsync(page, "chart-requests"));
        await page.SelectOptionAsync("#by", "org");
        drawn = await DrawnAsync(page, drawn);

        await ComparedAsync(page, drawn);
        await page.ClickAsync("#breakdown button.filter:text-is('acme')");
        drawn = await DrawnAsync(page, drawn);

        Assert.Contains("org=acme", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#active-filters li")).ToHaveTextAsync("org: acme×");
        await Assertions.Expect(page.Locator("[data-measure=Requests] dd")).ToHaveTextAsync(new Regex($"^{DashboardTraffic.Acme}"));
        // 1 client and 2 server errors of 10.
        await Assertions.Expect(page.Locator("[data-measure='Error rate'] dd")).ToHaveTextAsync(new Regex("^30%"));
        await Assertions.Expect(page.Locator("[data-measure='Server errors'] dd")).ToHaveTextAsync(new Regex("^20%"));
        Assert.Equal(DashboardTraffic.Acme, await ChartTotalAsync(page, "chart-requests"));
        // Every acme request took 250 ms, all in one bucket: the p50 line's one point is 250 ms within the sketch's 1%.
        Assert.InRange(await ChartTotalAsync(page, "chart-latency"), DashboardTraffic.AcmeMs * 0.99, DashboardTraffic.AcmeMs * 1.01);
        Assert.Equal(["acme", "10", "30%", "20%"], await CellsAsync(page, "breakdown", "acme", 4));
        Assert.Equal(["acme"], await FirstColumnAsync(page, "breakdown"));
        // Only acme's endpoint, with only acme's requests (globex used the same endpoint).
        Assert.Equal(["GET /invoices (billing-api)"], await FirstColumnAsync(page, "endpoints"));
        Assert.Equal(["GET /invoices (billing-api)", $"{DashboardTraffic.Acme}"], await CellsAsync(page, "endpoints", "GET /invoices (billing-api)", 2));
        await Assertions.Expect(page.Locator("#usage-report")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#usage-note")).ToContainTextAsync("browser beacons carry no org");
        await ComparedAsync(page);
        await Assertions.Expect(page.Locator("#status")).Not.ToHaveClassAsync("error");

        // The shared link brings the same view back; clearing the chip brings every request back.
        var (again, _) = await OpenAsync(chromium, _app, query: new Uri(page.Url).Query);
        await DrawnAsync(again);
        Assert.Equal(DashboardTraffic.Acme, await ChartTotalAsync(again, "chart-requests"));
        await page.ClickAsync("#active-filters button[aria-label='Clear the org filter']");
        await DrawnAsync(page, drawn);
        Assert.DoesNotContain("org=", page.Url, StringComparison.Ordinal);
        Assert.Equal(everyRequest, await ChartTotalAsync(page, "chart-requests"));
        await Assertions.Expect(page.Locator("#usage-report")).ToBeVisibleAsync();
        Assert.Empty(problems);
    }

    [Fact]
    public async Task A_custom_range_is_checked_in_the_page_with_the_apis_rules_and_messages()
    {
        var (page, _) = await OpenAsync(chromium, _app);
        var drawn = await DrawnAsync(page);
        await page.ClickAsync("#ranges button[data-range='custom']");

        await page.FillAsync("#from", "2026-01-02T10:00");
        await page.FillAsync("#to", "2026-01-01T10:00");
        await page.ClickAsync("#custom button[type=submit]");
        await Assertions.Expect(page.Locator("#range-error")).ToHaveTextAsync(new Regex(@"^'from' \(\d{4}-\d\d-\d\dT\d\d:00:00\.0000000\+00:00\) must be before 'to' \("));

        await page.FillAsync("#from", DateTime.Now.AddDays(-100).ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await page.FillAsync("#to", "");
        await page.ClickAsync("#custom button[type=submit]");
        await Assertions.Expect(page.Locator("#range-error")).ToHaveTextAsync(new Regex(@"^The range spans 100(\.\d+)? days; at most 90 days can be queried at once\.$"));

        var from = DateTime.Now.AddHours(-3);
        await page.FillAsync("#from", from.ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await page.ClickAsync("#custom button[type=submit]");
        await DrawnAsync(page, drawn);
        await Assertions.Expect(page.Locator("#range-error")).ToBeEmptyAsync();
        Assert.Contains("from=", page.Url, StringComparison.Ordinal);
        Assert.Equal(DashboardTraffic.Orders + DashboardTraffic.Search, await ChartTotalAsync(page, "chart-requests"));
    }

    [Fact]
    public async Task A_link_with_a_range_the_api_refuses_shows_the_apis_own_detail()
    {
        var (page, _) = await OpenAsync(chromium, _app, query: "?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z");

        await Assertions.Expect(page.Locator("#status")).ToHaveClassAsync("error");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync(new Regex(@"^400: 'from' \(2020-01-01T00:00:00\.0000000\+00:00\) is before the retention window: data is kept 90 days"));
        await Assertions.Expect(page.Locator("#ranges button[data-range='custom']")).ToHaveAttributeAsync("aria-pressed", "true");
    }

    [Fact]
    public async Task Arrow_keys_on_the_requests_chart_move_to_the_next_hour_and_say_its_exact_values()
    {
        var (page, problems) = await OpenAsync(chromium, _app);
        await DrawnAsync(page);
        await ComparedAsync(page);
        var chart = page.Locator("#chart-requests");
        var readout = page.Locator("#chart-requests + .readout");
        await Assertions.Expect(chart).ToHaveAttributeAsync("tabindex", "0");
        await Assertions.Expect(readout).ToHaveAttributeAsync("aria-live", "polite");

        // Focus starts on the latest hour; Left goes back to search-api's hour, the hour before orders-api's.
        await chart.FocusAsync();
        await Assertions.Expect(readout).ToContainTextAsync("Requests: ");
        for (var i = 0; i < 24 && !(await readout.TextContentAsync() ?? "").Contains($"Requests: {DashboardTraffic.Search} req", StringComparison.Ordinal); i++)
            await page.Keyboard.PressAsync("ArrowLeft");
        await page.Keyboard.PressAsync("ArrowRight");

        var ordersHour = new DateTimeOffset(DashboardTraffic.Recent.Year, DashboardTraffic.Recent.Month, DashboardTraffic.Recent.Day, DashboardTraffic.Recent.Hour, 0, 0, TimeSpan.Zero);
        var stamp = await page.EvaluateAsync<string>("""
            (ms) => new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" }).format(new Date(ms))
            """, ordersHour.ToUnixTimeMilliseconds());
        // 30 orders: 3 answered 500, 4 answered 404; the same hour a day earlier had none.
        var expected = $"{stamp}; Requests: {DashboardTraffic.Orders} req; Client errors (4xx): {DashboardTraffic.OrdersClientErrors} req; " +
            $"Server errors (5xx): {DashboardTraffic.OrdersServerErrors} req; Requests, previous period: 0 req";
        await Assertions.Expect(readout).ToHaveTextAsync(expected);
        // The tooltip and the legend show the same point, as the mouse would.
        await Assertions.Expect(page.Locator("#chart-requests .tip")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#chart-requests .tip")).ToContainTextAsync($"Requests: {DashboardTraffic.Orders} req");
        await Assertions.Expect(page.Locator("#chart-requests .u-legend .u-series").Nth(1).Locator(".u-value")).ToHaveTextAsync($"{DashboardTraffic.Orders} req");
        Assert.Empty(problems);
    }
}
