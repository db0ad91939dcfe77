using System.Net;
using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Operations;

/// <summary>The page itself; what it shows in a browser is tested in Metrics.Browser.Tests (DashboardTests).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DashboardPageTests(SharedAzurite azurite)
{
    [Fact]
    public async Task The_page_is_served_without_a_key_under_a_policy_that_allows_only_the_apps_own_scripts_and_styles()
    {
        await using var app = await TestApp.StartAsync(azurite.ConnectionString);

        using var response = await app.Client.GetAsync("/api/dashboard");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>Metrics dashboard</title>", await response.Content.ReadAsStringAsync());
        var policy = response.Headers.GetValues("Content-Security-Policy").Single().Split(';', StringSplitOptions.TrimEntries);
        Assert.Contains("default-src 'none'", policy);
        Assert.Contains("connect-src 'self'", policy);
        // The page's one inline script (it asks the first questions before the files load) is allowed by its hash alone.
        Assert.Single(policy, p => p.StartsWith("script-src 'self' 'sha256-", StringComparison.Ordinal) && p.Split(' ').Length == 3 && !p.Contains("unsafe", StringComparison.Ordinal));
        Assert.Single(policy, p => p.StartsWith("style-src 'self' 'sha256-", StringComparison.Ordinal) && !p.Contains("unsafe", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("uplot.js", "text/javascript", "uPlot")]
    [InlineData("uplot.css", "text/css", ".uplot")]
    [InlineData("dashboard.js", "text/javascript", "MetricsCharts.draw")]
    [InlineData("formats.js", "text/javascript", "window.MetricsFormat")]
    [InlineData("cards.js", "text/javascript", "window.MetricsCards")]
    [InlineData("reliability.js", "text/javascript", "window.MetricsReliability")]
    [InlineData("exports.js", "text/javascript", "/api/exports")]
    public async Task The_charting_library_and_the_pages_scripts_are_served_by_the_app_itself(string file, string type, string holds)
    {
        await using var app = await TestApp.StartAsync(azurite.ConnectionString);

        using var response = await app.Client.GetAsync($"/api/dashboard/{file}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(holds, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var other = await app.Client.GetAsync("/api/dashboard/secrets.json");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    [Fact]
    public async Task An_unchanged_page_is_revalidated_by_its_etag()
    {
        await using var app = await TestApp.StartAsync(azurite.ConnectionString);
        using var first = await app.Client.GetAsync("/api/dashboard");

        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/dashboard");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var response = await app.Client.SendAsync(again);

        Assert.Equal("no-cache", first.Headers.CacheControl?.ToString());
        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }
}
