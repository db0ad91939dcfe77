using Metrics.Functions.Tests;
using Metrics.Tests.Shared;
using Microsoft.Playwright;
using static Metrics.Browser.Tests.Dashboard.DashboardBrowser;

namespace Metrics.Browser.Tests.Dashboard;

/// <summary>Light and dark, wide and narrow, and a fresh install: screenshots a person looks at, in <see cref="DashboardBrowser.ScreenshotFolder"/>.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DashboardLookTests(SharedAzurite azurite, Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite.ConnectionString);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_fresh_install_says_there_is_no_data_in_the_range_and_what_to_send()
    {
        var (page, problems) = await OpenAsync(chromium, _app, width: 390);

        await Assertions.Expect(page.Locator("#prompt h2")).ToHaveTextAsync("No data in this range");
        await Assertions.Expect(page.Locator("#prompt")).ToContainTextAsync("POST /api/ingest/requests");
        await Assertions.Expect(page.Locator("#status")).Not.ToHaveClassAsync("error");
        await ScreenshotAsync(page, "dashboard-empty-390.png");
        Assert.Empty(problems);
    }

    [Fact]
    public async Task The_page_follows_the_dark_colour_scheme_and_is_drawn_at_1400_and_390_pixels()
    {
        await new DashboardTraffic(_app).SendAsync();
        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        foreach (var width in new[] { 1400, 390 })
        {
            var (page, problems) = await OpenAsync(chromium, _app, width: width, scheme: scheme);
            await DrawnAsync(page);
            await ComparedAsync(page);

            var background = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
            Assert.Equal(scheme == ColorScheme.Dark ? "rgb(15, 23, 42)" : "rgb(255, 255, 255)", background);
            // Nothing wider than the window: every section reads without scrolling sideways (tables scroll in their box).
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"{scheme} {width}: no sideways scroll");
            await page.HoverAsync("#chart-requests .u-over", new() { Position = new() { X = 200, Y = 60 } });
            await Assertions.Expect(page.Locator("#chart-requests .tip")).ToBeVisibleAsync();
            await ScreenshotAsync(page, $"dashboard-{scheme.ToString().ToLowerInvariant()}-{width}.png");
            await page.Mouse.MoveAsync(0, 0);
            await page.Locator("#endpoints").ScrollIntoViewIfNeededAsync();
            await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotFolder, $"dashboard-{scheme.ToString().ToLowerInvariant()}-{width}-endpoints.png") });
            Assert.Empty(problems);
        }
    }
}
