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
        var script = await response.Content.ReadAsByteArrayAsync();
        Assert.Contains("sendBeacon", System.Text.Encoding.UTF8.GetString(script), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tracker_script_is_served_minified_under_2_KB_gzipped()
    {
        var served = await _app.Client.GetByteArrayAsync("/api/tracker.js");
        var source = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "tracker", "metrics.js"));

        Assert.True(served.Length < source.Length / 2, $"served {served.Length} bytes of a {source.Length}-byte source: not minified");
        var gzipped = Gzipped(served);
        Assert.True(gzipped < 2048, $"the served tracker is {gzipped} bytes gzipped, over the 2 KB budget");
    }

    private static int Gzipped(byte[] content)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
            gzip.Write(content);
        return (int)compressed.Length;
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
