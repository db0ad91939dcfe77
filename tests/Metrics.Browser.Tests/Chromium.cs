using Metrics.Functions.Tests;
using Microsoft.Playwright;

namespace Metrics.Browser.Tests;

/// <summary>
/// One headless Chromium per test class, driven by Playwright. It is Debian's Chromium, not a
/// Playwright download (there is no network for one), so it must be installed first.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string DefaultPath = "/usr/bin/chromium";
    public const string PathVariable = "CHROMIUM_PATH";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static string ExecutablePath => Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } path ? path : DefaultPath;

    public async Task InitializeAsync()
    {
        // A missing browser fails the tests loudly: a skipped browser test would hide a broken tracker.
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException(
                $"Chromium is not installed at {ExecutablePath}. Run tests/Metrics.Browser.Tests/install-chromium.sh " +
                $"(or set {PathVariable} to a Chromium binary), then run the browser tests again.");

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                // Headless Chromium says "HeadlessChrome", which ingestion drops as a bot. The context sets a
                // normal agent too; this covers requests the browser sends after a page is gone (beacons).
                $"--user-agent={TestApp.BrowserUserAgent}",
            ],
        });
    }

    /// <summary>A fresh profile (cookies, sessionStorage) with a normal desktop Chrome user agent.</summary>
    public Task<IBrowserContext> NewContextAsync() =>
        Browser.NewContextAsync(new BrowserNewContextOptions { UserAgent = TestApp.BrowserUserAgent, ViewportSize = new() { Width = 800, Height = 500 } });

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
