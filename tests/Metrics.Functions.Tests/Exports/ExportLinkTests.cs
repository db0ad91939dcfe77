using System.Net;
using System.Text.Json.Nodes;
using System.Web;
using Metrics.Tests.Shared;
using static Metrics.Functions.Tests.Exports.ExportCalls;

namespace Metrics.Functions.Tests.Exports;

/// <summary>
/// Download links are read-only, expire, and cannot be forged. Azurite checks them against the real
/// clock, so expiry is shown by signing with a fake clock two hours behind it, not by waiting.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ExportLinkTests(SharedAzurite azurite) : IAsyncLifetime
{
    private static readonly TimeSpan Behind = TimeSpan.FromHours(2);
    private readonly SharedClock _time = new(WholeSeconds(DateTimeOffset.UtcNow) - Behind);
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite.ConnectionString, time: _time);
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_link_works_until_it_expires_and_each_get_signs_a_fresh_one()
    {
        var id = (await _app.Client.ExportAndWaitAsync(new JsonObject { ["kind"] = "breakdown", ["by"] = "org" })).GetProperty("id").GetString()!;

        // Signed at a time two hours ago: its hour of life ended an hour ago.
        var expired = await _app.Client.GetExportAsync(id);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromHours(1), expired.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(HttpStatusCode.Forbidden, (await DownloadAsync(expired.GetProperty("url").GetString()!)).StatusCode);

        _time.Advance(Behind);
        var fresh = await _app.Client.GetExportAsync(id);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromHours(1), fresh.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(HttpStatusCode.OK, (await DownloadAsync(fresh.GetProperty("url").GetString()!)).StatusCode);
    }

    [Fact]
    public async Task A_link_is_read_only_for_one_blob_and_a_tampered_one_is_refused()
    {
        _time.Advance(Behind);
        var export = await _app.Client.ExportAndWaitAsync(new JsonObject { ["kind"] = "breakdown", ["by"] = "service" });
        var url = new Uri(export.GetProperty("url").GetString()!);
        var sas = HttpUtility.ParseQueryString(url.Query);
        Assert.Equal(("r", "b", "https,http"), (sas["sp"], sas["sr"], sas["spr"]));
        Assert.Null(sas["sk"]); // A service SAS: no account-wide key details in the link.

        Assert.Equal(HttpStatusCode.Forbidden, (await DownloadAsync(With(url, "sig", Flip(sas["sig"]!)))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await DownloadAsync(With(url, "se", "2099-01-01T00:00:00Z"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await DownloadAsync(With(url, "sp", "rw"))).StatusCode);

        using var plain = new HttpClient();
        using var overwrite = new HttpRequestMessage(HttpMethod.Put, url) { Content = new StringContent("forged,csv\n") };
        overwrite.Headers.Add("x-ms-blob-type", "BlockBlob");
        Assert.Equal(HttpStatusCode.Forbidden, (await plain.SendAsync(overwrite)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await DownloadAsync(url.OriginalString)).StatusCode);
    }

    [Fact]
    public async Task Link_lifetime_comes_from_configuration()
    {
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, new Dictionary<string, string?> { ["Exports:LinkLifetime"] = "00:05:00" }, _time);
        var export = await app.Client.ExportAndWaitAsync(new JsonObject { ["kind"] = "breakdown" });

        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMinutes(5), export.GetProperty("expiresAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_link_lifetime_outside_one_second_to_seven_days_stops_the_app_from_starting()
    {
        var settings = new Dictionary<string, string?> { ["Exports:LinkLifetime"] = "8.00:00:00" };

        var refused = await Assert.ThrowsAsync<Metrics.LocalHost.Worker.WorkerUnavailableException>(
            async () => await (await TestApp.StartAsync(azurite.ConnectionString, settings)).DisposeAsync());
        Assert.Contains("OptionsValidationException", refused.Message, StringComparison.Ordinal);
        Assert.Contains("LinkLifetime", refused.Message, StringComparison.Ordinal);
    }

    private static string With(Uri url, string parameter, string value)
    {
        var query = HttpUtility.ParseQueryString(url.Query);
        Assert.NotEqual(value, query[parameter]);
        query[parameter] = value;
        return new UriBuilder(url) { Query = query.ToString() }.Uri.AbsoluteUri;
    }

    private static string Flip(string signature) => (signature[0] == 'A' ? 'B' : 'A') + signature[1..];
}
