using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Metrics.Functions.Tests;
using Metrics.Tests.Shared;
using Microsoft.Playwright;

namespace Metrics.Browser.Tests;

/// <summary>
/// An admin opens <c>/api/dashboard</c> in a browser, signs in with a key, and sees the numbers of the requests
/// that were ingested: the summary, the endpoints and a breakdown, all under the page's Content-Security-Policy.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DashboardTests(SharedAzurite azurite, Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    /// <summary>Ingested data is the attacker's: a user id that would run script if it were ever set as markup.</summary>
    private const string HostileUser = "<img src=x onerror=\"window.injected=true\">";

    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite.ConnectionString);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task An_admin_sees_the_ingested_requests_in_the_summary_the_endpoints_and_a_breakdown()
    {
        // 40 requests an hour ago: 30 to /orders (every 10th a 500), 10 to /search from Germany.
        var at = DateTimeOffset.UtcNow.AddHours(-1);
        var events = Enumerable.Range(0, 40).Select(i => RequestEvent(i, at, i < 30 ? "/orders" : "/search", i < 30 ? "ES" : "DE",
            status: i < 30 && i % 10 == 0 ? 500 : 200, user: i == 0 ? HostileUser : $"user-{i % 4}"));
        await IngestAsync("/api/ingest/requests", new JsonObject { ["service"] = "orders-api", ["events"] = new JsonArray([.. events]) });
        // And 4 beacons from a customer's page: 3 views of /pricing, one click.
        await IngestAsync("/api/ingest/usage", new JsonObject
        {
            ["site"] = TestApp.Site,
            ["events"] = new JsonArray([.. Enumerable.Range(0, 4).Select(i => UsageEvent(i, at, i < 3 ? "page_view" : "button_click"))]),
        });
        var (page, problems) = await OpenDashboardAsync();
        // Its first queries went without a key: 401s, logged as console errors once each request ends.
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("Sign in");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        problems.Clear();

        await page.FillAsync("#key", TestApp.AdminKey);
        await page.ClickAsync("button[type=submit]");

        await Assertions.Expect(page.Locator("[data-measure=Requests] dd")).ToHaveTextAsync("40");
        await Assertions.Expect(page.Locator("[data-measure='Error rate'] dd")).ToHaveTextAsync("7.5%");
        await Assertions.Expect(page.Locator("[data-measure='Active users'] dd")).ToHaveTextAsync("5");
        var endpoints = page.Locator("#endpoints tr");
        await Assertions.Expect(endpoints).ToHaveCountAsync(3);
        Assert.Equal(["GET /orders (orders-api)", "30"], await Cells(page, "#endpoints", "GET /orders (orders-api)", 2));
        Assert.Equal(["GET /search (orders-api)", "10"], await Cells(page, "#endpoints", "GET /search (orders-api)", 2));
        // Partial: the 24 hours start before the first request this app ever stored.
        await Assertions.Expect(page.Locator("#usage [data-measure=Events] dd")).ToHaveTextAsync("4");
        Assert.Equal(["page_view", "3"], await Cells(page, "#event-types", "page_view", 2));
        Assert.Equal(["button_click", "1"], await Cells(page, "#event-types", "button_click", 2));
        Assert.Equal(["/pricing", "3"], await Cells(page, "#pages", "/pricing", 2));
        await Assertions.Expect(page.Locator("#sources li").First).ToHaveTextAsync(new Regex(@"^requests: partial, last event [\d,]+ s ago$"));

        await page.SelectOptionAsync("#by", "country");
        await Assertions.Expect(page.Locator("#breakdown th").First).ToHaveTextAsync("country");
        Assert.Equal(["ES", "30", "10%"], await Cells(page, "#breakdown", "ES", 3));
        Assert.Equal(["DE", "10", "0%"], await Cells(page, "#breakdown", "DE", 3));
        if (Environment.GetEnvironmentVariable(UsageTrackingTests.ScreenshotVariable) is { Length: > 0 } folder)
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, "dashboard.png"), FullPage = true });

        await page.SelectOptionAsync("#by", "user");
        await Assertions.Expect(page.Locator("#breakdown td", new() { HasTextString = HostileUser })).ToHaveCountAsync(1);
        Assert.Null(await page.EvaluateAsync<bool?>("() => window.injected"));
        Assert.Empty(problems);
    }

    [Fact]
    public async Task Without_the_admin_role_the_page_says_how_to_sign_in()
    {
        var (page, problems) = await OpenDashboardAsync();
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync(
            "Sign in: enter an admin key, or open the dashboard through the platform sign-in.");

        await page.FillAsync("#key", TestApp.FinanceKey);
        await page.ClickAsync("button[type=submit]");

        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("This key or identity does not have the admin role.");
        await Assertions.Expect(page.Locator("[data-measure=Requests]")).ToHaveCountAsync(0);
        Assert.DoesNotContain(problems, p => !p.Contains("401", StringComparison.Ordinal) && !p.Contains("403", StringComparison.Ordinal));
    }

    /// <summary>The page, and the console errors it logs: a script or style the policy blocked would show up here.</summary>
    private async Task<(IPage Page, List<string> Problems)> OpenDashboardAsync()
    {
        var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") problems.Add(message.Text); };
        page.PageError += (_, error) => problems.Add(error);
        await page.GotoAsync(new Uri(_app.Client.BaseAddress!, "/api/dashboard").ToString());
        return (page, problems);
    }

    /// <summary>The first <paramref name="count"/> cells of the table's row whose first cell is exactly <paramref name="key"/>.</summary>
    private static async Task<string[]> Cells(IPage page, string table, string key, int count)
    {
        var row = page.Locator($"{table} tr").Filter(new() { Has = page.Locator("td:first-child", new() { HasTextRegex = new Regex($"^{Regex.Escape(key)}$") }) });
        return [.. (await row.Locator("td").AllTextContentsAsync()).Take(count)];
    }

    /// <summary>Sent as a service (ingestion key) or as a browser on the site's page (origin and agent) would send it.</summary>
    private async Task IngestAsync(string route, JsonObject batch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, route)
        {
            Content = new StringContent(batch.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-metrics-key", TestApp.IngestKey);
        request.Headers.Add("Origin", TestApp.Origin);
        request.Headers.TryAddWithoutValidation("User-Agent", TestApp.BrowserUserAgent);
        using var response = await _app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static JsonObject UsageEvent(int i, DateTimeOffset at, string type) => new()
    {
        ["id"] = $"beacon-{i}",
        ["type"] = type,
        ["timestamp"] = at.AddSeconds(i).ToString("O", CultureInfo.InvariantCulture),
        ["page"] = "/pricing",
        ["name"] = type == "button_click" ? "upgrade" : null,
        ["sessionId"] = $"session-{i % 2}",
    };

    private static JsonObject RequestEvent(int i, DateTimeOffset at, string endpoint, string country, int status, string user) => new()
    {
        ["id"] = $"dash-{i}",
        ["timestamp"] = at.AddSeconds(i).ToString("O", CultureInfo.InvariantCulture),
        ["endpoint"] = endpoint,
        ["method"] = "GET",
        ["status"] = status,
        ["durationMs"] = 10 + i,
        ["userId"] = user,
        ["country"] = country,
    };
}
