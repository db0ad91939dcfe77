using System.Text.RegularExpressions;
using Metrics.Functions.Tests;
using Microsoft.Playwright;

namespace Metrics.Browser.Tests.Dashboard;

/// <summary>Opens the dashboard in Chromium as an admin would, and reads what it shows.</summary>
internal static class DashboardBrowser
{
    /// <summary>Where the tests write the screenshots a person looks at (named in the README).</summary>
    public static string ScreenshotFolder { get; } = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "screenshots"));

    /// <summary>
    /// The page at <paramref name="query"/>, signed in with <paramref name="key"/> (as the sign-in form leaves it, in the
    /// tab's sessionStorage), and the console errors it logs: a script or style the policy blocked would show up there.
    /// </summary>
    public static async Task<(IPage Page, List<string> Problems)> OpenAsync(Chromium chromium, TestApp app, string? key = TestApp.AdminKey,
        string query = "", int width = 1400, int height = 900, ColorScheme scheme = ColorScheme.Light, bool fakeClock = false)
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            UserAgent = TestApp.BrowserUserAgent, ViewportSize = new() { Width = width, Height = height }, ColorScheme = scheme,
        });
        if (key is not null) await context.AddInitScriptAsync($"sessionStorage.setItem('metrics.adminKey', '{key}')");
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") problems.Add(message.Text); };
        page.PageError += (_, error) => problems.Add(error);
        // The page's timers (auto-refresh) then run when the test moves its clock on, never by waiting.
        if (fakeClock) await page.Clock.InstallAsync();
        await page.GotoAsync(new Uri(app.Client.BaseAddress!, "/api/dashboard" + query).ToString());
        return (page, problems);
    }

    /// <summary>Waits until the page has drawn a view after the <paramref name="after"/>th one, and says which.</summary>
    public static async Task<int> DrawnAsync(IPage page, int after = 0)
    {
        await page.WaitForFunctionAsync($"() => Number(document.documentElement.dataset.drawn || 0) > {after}");
        return int.Parse(await page.EvaluateAsync<string>("() => document.documentElement.dataset.drawn"), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The text of the card <paramref name="measure"/>'s value, its change left out.</summary>
    public static Task<string> CardAsync(IPage page, string measure) =>
        page.EvaluateAsync<string>("(m) => document.querySelector(`[data-measure='${m}'] dd`).firstChild.textContent", measure);

    /// <summary>
    /// Waits until the previous period's changes and faint lines are drawn too (the charts are drawn again then, and the
    /// reliability section appears, moving what is below it: a click sent before then may land on what moved into its place).
    /// </summary>
    public static Task ComparedAsync(IPage page, int run = 1) => page.WaitForFunctionAsync($"() => Number(document.documentElement.dataset.compared || 0) >= {run}");

    public static async Task<double> ChartTotalAsync(IPage page, string chart) => double.Parse(
        await page.GetAttributeAsync($"#{chart}", "data-total") ?? "NaN", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The first <paramref name="count"/> cells of the table's row whose first cell is exactly <paramref name="key"/>.</summary>
    public static async Task<string[]> CellsAsync(IPage page, string table, string key, int count)
    {
        var row = page.Locator($"#{table} tr").Filter(new() { Has = page.Locator("td:first-child", new() { HasTextRegex = new Regex($"^{Regex.Escape(key)}$") }) });
        return [.. (await row.Locator("td").AllTextContentsAsync()).Take(count)];
    }

    /// <summary>The first cells of the table's rows, top to bottom.</summary>
    public static Task<IReadOnlyList<string>> FirstColumnAsync(IPage page, string table) => page.Locator($"#{table} td:first-child").AllTextContentsAsync();

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name), FullPage = true });
    }
}
