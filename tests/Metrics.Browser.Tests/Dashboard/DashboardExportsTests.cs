using System.Globalization;
using Metrics.Functions.Tests;
using Metrics.Tests.Shared;
using Microsoft.Playwright;
using static Metrics.Browser.Tests.Dashboard.DashboardBrowser;

namespace Metrics.Browser.Tests.Dashboard;

/// <summary>Finance and incident exports from the page: asked for, followed to the end, downloaded through the signed link, listed later.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DashboardExportsTests(SharedAzurite azurite, Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite.ConnectionString);
        await new DashboardTraffic(_app).SendSpikeAsync();
        await new DashboardTraffic(_app).SendModelsAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    /// <summary>Clicks the row's download button and reads the CSV the browser saved from the signed link.</summary>
    private static async Task<string[]> DownloadAsync(IPage page, ILocator row)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => row.Locator("button.download").ClickAsync());
        Assert.StartsWith("http://127.0.0.1:", download.Url, StringComparison.Ordinal);
        Assert.Contains("sig=", download.Url, StringComparison.Ordinal);
        return (await File.ReadAllLinesAsync(await download.PathAsync())).Where(line => line.Length > 0).ToArray();
    }

    [Fact]
    public async Task An_admin_exports_the_incident_hour_of_the_filtered_service_follows_it_and_downloads_its_rows()
    {
        var hour = DashboardTraffic.SpikeHour;
        var query = $"?service=checkout-api&from={Uri.EscapeDataString(hour.ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(hour.AddHours(1).ToString("O", CultureInfo.InvariantCulture))}";
        var (page, problems) = await OpenAsync(chromium, _app, query: query);
        await DrawnAsync(page);
        await Assertions.Expect(page.Locator("#exports")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#export-list td")).ToHaveTextAsync("No exports yet.");

        await page.SelectOptionAsync("#export-kind", "incident");
        await page.ClickAsync("#export-form button[type=submit]");

        var row = page.Locator("#export-list tbody tr").First;
        await Assertions.Expect(row.Locator("td").Nth(3)).ToHaveTextAsync($"succeeded, {DashboardTraffic.PerHour} rows", new() { Timeout = 30_000 });
        await Assertions.Expect(row.Locator("td").First).ToHaveTextAsync("Incident, checkout-api");
        await Assertions.Expect(page.Locator("#export-status")).ToHaveTextAsync($"Export incident, checkout-api: succeeded, {DashboardTraffic.PerHour} rows.");
        await row.ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotFolder, "dashboard-exports.png") });

        var lines = await DownloadAsync(page, row);
        Assert.Equal(1 + DashboardTraffic.PerHour, lines.Length);
        Assert.Equal(DashboardTraffic.SpikeErrors, lines.Skip(1).Count(line => line.Contains(",500,", StringComparison.Ordinal)));
        await Assertions.Expect(page.Locator("#export-status")).ToContainTextAsync("the link is valid until");

        // Without a service filter there is no incident to export: the page says what to do instead of asking.
        await page.ClickAsync("#active-filters button[aria-label='Clear the service filter']");
        await page.SelectOptionAsync("#export-kind", "incident");
        await page.ClickAsync("#export-form button[type=submit]");
        await Assertions.Expect(page.Locator("#export-status")).ToHaveTextAsync("An incident export holds one service's requests: filter the page by a service first.");
        Assert.Empty(problems);
    }

    [Fact]
    public async Task Finance_exports_month_to_date_spend_from_the_page_sees_the_apis_refusal_of_an_open_month_and_finds_the_export_listed_later()
    {
        var (page, _) = await OpenAsync(chromium, _app, key: TestApp.FinanceKey);
        // The request queries are for admins; the exports are finance's own.
        await Assertions.Expect(page.Locator("#prompt h2")).ToHaveTextAsync("Admin access required");
        await Assertions.Expect(page.Locator("#exports")).ToBeVisibleAsync();

        await page.SelectOptionAsync("#export-kind", "finance-month");
        await page.FillAsync("#export-month", DateTimeOffset.UtcNow.ToString("yyyy-MM", CultureInfo.InvariantCulture));
        await page.ClickAsync("#export-form button[type=submit]");
        await Assertions.Expect(page.Locator("#export-status")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^400: '\d{4}-\d\d' is not over yet: a finance-month export covers a closed month"));

        await page.SelectOptionAsync("#export-kind", "finance-mtd");
        await page.ClickAsync("#export-form button[type=submit]");
        var row = page.Locator("#export-list tbody tr").First;
        await Assertions.Expect(row.Locator("td").Nth(3)).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^succeeded, \d+ rows$"), new() { Timeout = 30_000 });
        var lines = await DownloadAsync(page, row);
        Assert.Equal("org,model,requests,units,unitPrice,priceFrom,spend", lines[0]);
        // No price is set: the units are there with a blank price and spend 0.
        Assert.Contains($"(none),gpt-large,{DashboardTraffic.Large},{DashboardTraffic.Large * DashboardTraffic.LargeUnits},,,0", lines);
        Assert.Contains($"(none),gpt-small,{DashboardTraffic.Small},{DashboardTraffic.Small * DashboardTraffic.SmallUnits},,,0", lines);

        // Opened again later, the page lists the earlier export, still downloadable.
        var (again, _) = await OpenAsync(chromium, _app, key: TestApp.FinanceKey);
        var listed = again.Locator("#export-list tbody tr").First;
        await Assertions.Expect(listed.Locator("td").First).ToHaveTextAsync("Finance, month to date");
        await Assertions.Expect(listed.Locator("td").Nth(3)).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^succeeded, \d+ rows$"));
        Assert.Equal(lines, await DownloadAsync(again, listed));
    }

    [Fact]
    public async Task A_key_without_an_export_role_sees_no_export_section()
    {
        var (page, _) = await OpenAsync(chromium, _app, key: "not-a-key");
        await Assertions.Expect(page.Locator("#prompt h2")).ToHaveTextAsync("This key was not accepted");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Assertions.Expect(page.Locator("#exports")).ToBeHiddenAsync();
    }
}
