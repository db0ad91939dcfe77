using System.Net;
using Metrics.Functions.Tests;
using Metrics.Tests.Shared;

namespace Metrics.Browser.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class TrackerScriptTests(SharedAzurite azurite) : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite.ConnectionString);
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Tracker_script_is_served_as_cacheable_javascript_with_an_etag()
    {
        var response = await _app.Client.GetAsync("/api/tracker.js");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl is { Public: true, MaxAge.TotalSeconds: 3600 }, $"Cache-Control: {response.Headers.CacheControl}");
        Assert.NotNull(response.Headers.ETag);
        var script = await response.Content.ReadAsStringAsync();
        Assert.Contains("sendBeacon", script, StringComparison.Ordinal);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "tracker", "metrics.js")), script);
    }

    [Fact]
    public async Task Tracker_script_asked_for_again_with_its_etag_is_304_without_a_body()
    {
        var first = await _app.Client.GetAsync("/api/tracker.js");
        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/tracker.js");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        var response = await _app.Client.SendAsync(again);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }
}
