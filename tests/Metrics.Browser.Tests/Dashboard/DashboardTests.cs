using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Metrics.Functions.Tests;
using Metrics.Tests.Shared;
using Microsoft.Playwright;
using static Metrics.Browser.Tests.Dashboard.DashboardBrowser;

namespace Metrics.Browser.Tests.Dashboard;

/// <summary>
/// An admin opens <c>/api/dashboard</c> in a browser, signs in with a key, and sees the numbers of the requests and
/// beacons that were ingested: cards with their change, charts, endpoints, a breakdown and usage, under the page's policy.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DashboardTests(SharedAzurite azurite, Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    /// <summary>Ingested data is the attacker's: a user id that would run script if it were ever set as markup.</summary>
    private const string HostileUser = "<img src=x onerror=\"window.injected=true\">";

    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite.ConnectionString);
        await new DashboardTraffic(_app).SendAsync();
        // It also used 42 units of a model nobody priced: the breakdown must say that its spend leaves them out.
        var hostile = DashboardTraffic.Request("hostile", "orders-api", DashboardTraffic.Recent.AddMinutes(-5), "/orders", 200, 10, HostileUser, "ES");
        (hostile["model"], hostile["units"]) = ("gpt-free", 42);
        await new DashboardTraffic(_app).IngestAsync("/api/ingest/requests", "orders-api", [hostile]);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task An_admin_signs_in_and_sees_the_ingested_numbers_their_change_the_charts_and_the_tables()
    {
        var (page, problems) = await OpenAsync(chromium, _app, key: null);
        // Its first queries went without a key: 401s, logged as console errors once each request ends.
        await Assertions.Expect(page.Locator("#prompt")).ToContainTextAsync("Sign in: enter an admin key");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        problems.Clear();

        await page.FillAsync("#key", TestApp.AdminKey);
        await page.ClickAsync("#signin button");
        await DrawnAsync(page);

        const int requests = DashboardTraffic.Orders + DashboardTraffic.Search + 1;
        await Assertions.Expect(page.Locator("[data-measure=Requests] dd")).ToHaveTextAsync(new Regex($"^{requests}"));
        // 41 requests today against 20 yesterday: +105%.
        await Assertions.Expect(page.Locator("[data-measure=Requests] .change")).ToHaveTextAsync("+105% vs previous");
        await Assertions.Expect(page.Locator("[data-measure='Error rate'] dd")).ToHaveTextAsync(new Regex(@"^17\.07%"));
        await Assertions.Expect(page.Locator("[data-measure='Server errors'] dd")).ToHaveTextAsync(new Regex(@"^7\.32%"));
        Assert.Equal(requests, await ChartTotalAsync(page, "chart-requests"));
        Assert.Equal(6, await ChartTotalAsync(page, "chart-usage"));
        Assert.Equal(24, int.Parse(await page.GetAttributeAsync("#chart-latency", "data-points") ?? "0", CultureInfo.InvariantCulture));
        Assert.Equal(["GET /search (search-api)", "10"], await CellsAsync(page, "endpoints", "GET /search (search-api)", 2));
        Assert.Equal(["upgrade", "button_click", "2", "1"], await CellsAsync(page, "names", "upgrade", 4));
        Assert.Equal(["contact", "form_submit", "1", "1"], await CellsAsync(page, "names", "contact", 4));
        Assert.Equal(["/pricing", "2"], await CellsAsync(page, "pages", "/pricing", 2));
        // The range reaches before the first event this app stored: said neutrally, not as a warning.
        await Assertions.Expect(page.Locator("#coverage")).ToContainTextAsync("usage data starts");
        await Assertions.Expect(page.Locator("#status")).Not.ToHaveClassAsync("error");

        await page.SelectOptionAsync("#by", "country");
        await Assertions.Expect(page.Locator("#breakdown th").First).ToHaveTextAsync("country");
        await Assertions.Expect(page.Locator("#breakdown td", new() { HasTextString = "US" })).ToHaveCountAsync(1);
        Assert.Equal(["US", "10", "0%", "0%"], await CellsAsync(page, "breakdown", "US", 4));

        await page.SelectOptionAsync("#by", "user");
        await Assertions.Expect(page.Locator("#breakdown td", new() { HasTextString = HostileUser })).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#breakdown-note")).ToContainTextAsync("Spend leaves out 42 units of gpt-free");
        await page.SelectOptionAsync("#by", "org");
        await Assertions.Expect(page.Locator("#breakdown-note")).ToContainTextAsync($"{requests} requests have no org; they are the row (none).");
        Assert.Null(await page.EvaluateAsync<bool?>("() => window.injected"));
        Assert.Empty(problems);
    }

    [Fact]
    public async Task Tables_sort_by_every_column_search_and_show_the_top_ten_until_asked_for_all()
    {
        var (page, _) = await OpenAsync(chromium, _app);
        await DrawnAsync(page);

        // Slowest first by default, by average response time as the API sorts (search-api 204.5 ms, /orders/{id} 25 ms, /orders 24 ms
        // and the hostile 10 ms request); the Requests header makes it busiest first, a second click least busy first.
        await Assertions.Expect(page.Locator("#endpoints th:nth-child(3)")).ToHaveAttributeAsync("aria-sort", "descending");
        Assert.Equal(["GET /search (search-api)", "GET /orders/{id} (orders-api)", "GET /orders (orders-api)"], await FirstColumnAsync(page, "endpoints"));
        await page.ClickAsync("#endpoints th:nth-child(2) button");
        await Assertions.Expect(page.Locator("#endpoints th:nth-child(2)")).ToHaveAttributeAsync("aria-sort", "descending");
        Assert.Equal("GET /search (search-api)", (await FirstColumnAsync(page, "endpoints"))[^1]);
        await page.ClickAsync("#endpoints th:nth-child(2) button");
        await Assertions.Expect(page.Locator("#endpoints th:nth-child(2)")).ToHaveAttributeAsync("aria-sort", "ascending");
        Assert.Equal("GET /search (search-api)", (await FirstColumnAsync(page, "endpoints"))[0]);
        await page.ClickAsync("#endpoints th:nth-child(5) button");
        Assert.Equal("GET /search (search-api)", (await FirstColumnAsync(page, "endpoints"))[0]);
        await page.ClickAsync("#endpoints th:first-child button");
        Assert.Equal(["GET /orders (orders-api)", "GET /orders/{id} (orders-api)", "GET /search (search-api)"], await FirstColumnAsync(page, "endpoints"));
        await page.ClickAsync("#endpoints th:first-child button");
        Assert.Equal(["GET /search (search-api)", "GET /orders/{id} (orders-api)", "GET /orders (orders-api)"], await FirstColumnAsync(page, "endpoints"));

        await page.FillAsync("#endpoints input[type=search]", "{id}");
        Assert.Equal(["GET /orders/{id} (orders-api)"], await FirstColumnAsync(page, "endpoints"));

        // Users: 5 + the hostile one; top 10 holds them all, so no "show all".
        await page.SelectOptionAsync("#by", "user");
        await Assertions.Expect(page.Locator("#breakdown th").First).ToHaveTextAsync("user");
        await Assertions.Expect(page.Locator("#breakdown .more")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task A_user_without_the_admin_role_is_told_admin_access_is_required_and_a_wrong_key_that_it_was_not_accepted()
    {
        var (page, problems) = await OpenAsync(chromium, _app, key: "not-a-key");
        await Assertions.Expect(page.Locator("#prompt h2")).ToHaveTextAsync("This key was not accepted");

        await page.FillAsync("#key", TestApp.FinanceKey);
        await page.ClickAsync("#signin button");

        await Assertions.Expect(page.Locator("#prompt h2")).ToHaveTextAsync("Admin access required");
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("Admin access required: ");
        await Assertions.Expect(page.Locator("#report")).ToBeHiddenAsync();
        Assert.DoesNotContain(problems, p => !p.Contains("401", StringComparison.Ordinal) && !p.Contains("403", StringComparison.Ordinal));
    }
}
