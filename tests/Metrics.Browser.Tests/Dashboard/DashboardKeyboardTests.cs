using Metrics.Functions.Tests;
using Metrics.Tests.Shared;
using Microsoft.Playwright;
using static Metrics.Browser.Tests.Dashboard.DashboardBrowser;

namespace Metrics.Browser.Tests.Dashboard;

/// <summary>The charts read by keyboard: focus, then the arrow keys move point by point, shown and said.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DashboardKeyboardTests(SharedAzurite azurite, Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite.ConnectionString);
        await new DashboardTraffic(_app).SendAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

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
