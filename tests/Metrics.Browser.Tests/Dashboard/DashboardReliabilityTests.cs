using System.Globalization;
using Metrics.Functions.Tests;
using Metrics.Tests.Shared;
using Microsoft.Playwright;
using static Metrics.Browser.Tests.Dashboard.DashboardBrowser;

namespace Metrics.Browser.Tests.Dashboard;

/// <summary>Reliability on the page: each hour's error rate and tail latency, the spike marked, and a chosen hour keeping the page to it.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DashboardReliabilityTests(SharedAzurite azurite, Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite.ConnectionString);
        await new DashboardTraffic(_app).SendSpikeAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_spike_hour_is_marked_and_listed_and_choosing_it_by_click_key_or_list_keeps_the_page_to_that_hour()
    {
        var (page, problems) = await OpenAsync(chromium, _app, query: "?service=checkout-api");
        var drawn = await DrawnAsync(page);
        await ComparedAsync(page);

        // 24 hours, one of them at 50% errors (the spike); every quiet hour answered without error.
        Assert.Equal("24", await page.GetAttributeAsync("#chart-errors", "data-points"));
        Assert.Equal(0.5, await ChartTotalAsync(page, "chart-errors"));
        var hourText = await page.EvaluateAsync<string>(
            "(ms) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(ms))", DashboardTraffic.SpikeHour.ToUnixTimeMilliseconds());
        var spikes = page.Locator("#spikes li");
        await Assertions.Expect(spikes).ToHaveCountAsync(1);
        await Assertions.Expect(spikes).ToContainTextAsync($"Spike {hourText}50% errors, p99 ");
        await Assertions.Expect(page.Locator("#reliability-note")).ToContainTextAsync("1 hour departs from the trailing baseline");
        await page.Locator("#chart-errors").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotFolder, "dashboard-reliability.png") });

        // The keyboard reaches the marked hour on the chart (its readout names the spike); Enter keeps the page to that hour.
        var readout = page.Locator("#chart-errors + .readout");
        await page.Locator("#chart-errors").FocusAsync();
        for (var i = 0; i < 24 && !(await readout.TextContentAsync() ?? "").Contains("Spike: 50%", StringComparison.Ordinal); i++)
            await page.Keyboard.PressAsync("ArrowLeft");
        await Assertions.Expect(readout).ToContainTextAsync($"Error rate: 50%; Spike: 50%");
        await page.Keyboard.PressAsync("Enter");
        drawn = await DrawnAsync(page, drawn);
        var hourQuery = $"from={Uri.EscapeDataString(Iso(DashboardTraffic.SpikeHour))}&to={Uri.EscapeDataString(Iso(DashboardTraffic.SpikeHour.AddHours(1)))}";
        Assert.Contains(hourQuery, page.Url, StringComparison.Ordinal);
        Assert.Equal($"{DashboardTraffic.PerHour}", await CardAsync(page, "Requests"));
        Assert.Equal("50%", await CardAsync(page, "Error rate"));
        await Assertions.Expect(page.Locator("#ranges button[data-range='custom']")).ToHaveAttributeAsync("aria-pressed", "true");

        // Back to the day: a click on the marked hour of the latency chart (found by its tooltip, as a person would) does the same.
        await page.GoBackAsync();
        drawn = await DrawnAsync(page, drawn);
        await ComparedAsync(page, drawn);
        var box = (await page.Locator("#chart-tail .u-over").BoundingBoxAsync())!;
        var at = box.X;
        var seen = new List<string>();
        for (; at < box.X + box.Width; at += box.Width / 96)
        {
            await page.Mouse.MoveAsync(at, box.Y + box.Height / 2);
            seen.Add(await page.Locator("#chart-tail .tip").TextContentAsync() ?? "");
            if (seen[^1].Contains("Spike: ", StringComparison.Ordinal)) break;
        }
        Assert.True(at < box.X + box.Width, string.Join(" | ", seen));
        // The click also focuses the chart; the hour chosen is the one under the mouse, not the keyboard's.
        await page.Mouse.ClickAsync(at, box.Y + box.Height / 2);
        drawn = await DrawnAsync(page, drawn);
        Assert.Contains(hourQuery, page.Url, StringComparison.Ordinal);

        // Back again: the listed spike does the same.
        await page.GoBackAsync();
        drawn = await DrawnAsync(page, drawn);
        await page.ClickAsync("#spikes button");
        drawn = await DrawnAsync(page, drawn);
        Assert.Contains(hourQuery, page.Url, StringComparison.Ordinal);
        Assert.Equal($"{DashboardTraffic.PerHour}", await CardAsync(page, "Requests"));
        await ComparedAsync(page, drawn);
        Assert.Equal("1", await page.GetAttributeAsync("#chart-errors", "data-points"));
        Assert.Empty(problems);
    }
}
