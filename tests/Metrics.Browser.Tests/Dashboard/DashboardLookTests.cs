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

    /// <summary>WCAG 2.1's contrast ratio of each colour of the page's CSS against the background, computed in the page.</summary>
    private const string ContrastScript = """
        (names) => {
          const style = getComputedStyle(document.documentElement);
          const linear = (c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
          const luminance = (hex) => { const [r, g, b] = [1, 3, 5].map((i) => linear(parseInt(hex.slice(i, i + 2), 16) / 255)); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
          const ratio = (a, b) => { const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x); return (hi + 0.05) / (lo + 0.05); };
          const bg = style.getPropertyValue("--bg").trim();
          return names.map((name) => { const colour = style.getPropertyValue(name).trim(); return `${name} ${colour} ${bg} ${ratio(colour, bg).toFixed(2)}`; });
        }
        """;

    [Fact]
    public async Task Every_chart_line_and_the_previous_periods_reach_3_to_1_against_the_background_in_both_schemes()
    {
        // The lines the charts draw (--faint: the previous period's, dashed, drawn opaque) and the spike marks (--bad).
        string[] lines = ["--c1", "--c2", "--c3", "--c4", "--c5", "--faint", "--bad"];
        var table = new List<string> { "| scheme | colour | value | background | ratio |", "|---|---|---|---|---|" };
        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            var (page, _) = await OpenAsync(chromium, _app, key: null, scheme: scheme);
            foreach (var measured in await page.EvaluateAsync<string[]>(ContrastScript, lines))
            {
                var parts = measured.Split(' ');
                var ratio = double.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture);
                table.Add($"| {scheme.ToString().ToLowerInvariant()} | `{parts[0]}` | `{parts[1]}` | `{parts[2]}` | {parts[3]}:1 |");
                Assert.True(ratio >= 3, $"{scheme}: {measured} is under 3:1");
            }
        }
        // The table the dashboard's README holds, written where a person can compare it.
        Directory.CreateDirectory(ScreenshotFolder);
        await File.WriteAllLinesAsync(Path.Combine(ScreenshotFolder, "chart-contrast.md"), table);
    }
}
