using System.Net;
using Metrics.Rollups;
using Metrics.Storage;
using Metrics.Azurite;
using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Ingest;

/// <summary>Its own Azurite, persisted on disk so it can be stopped and started again mid-test.</summary>
public sealed class StorageOutageTests
{
    [Fact]
    public async Task Batch_sent_while_storage_is_down_gets_503_and_its_retry_lands_once()
    {
        var folder = Directory.CreateTempSubdirectory("azurite-outage-").FullName;
        await using var azurite = await AzuriteLauncher.StartOnFreePortsAsync(folder);
        await using var app = await TestApp.StartAsync(azurite.ConnectionString);
        var now = DateTimeOffset.UtcNow.AddMinutes(-1);
        var before = Batches.Requests("orders-api", 10, now);
        var during = Batches.Requests("billing-api", 20, now);
        Assert.Equal(HttpStatusCode.Accepted, (await app.Client.PostRequestsAsync(before)).StatusCode);

        await azurite.StopAsync();
        var refused = await app.Client.PostRequestsAsync(during);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        await azurite.StartAsync(TimeSpan.FromSeconds(60));
        var retried = await app.Client.PostRequestsAsync(during);
        Assert.True(retried.StatusCode == HttpStatusCode.Accepted, await retried.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Accepted, (await app.Client.PostRequestsAsync(before)).StatusCode);

        var rows = await app.Storage.AllAsync(TableNames.RequestEvents);
        Assert.Equal(10, rows.Count(r => r.GetString("Service") == "orders-api"));
        Assert.Equal(20, rows.Count(r => r.GetString("Service") == "billing-api"));
    }

    [Fact]
    public async Task A_beacon_refused_for_storage_is_a_503_the_page_can_read_with_its_Retry_After()
    {
        await using var app = await TestApp.StartAsync(UnreachableStorage.ConnectionString);

        var response = await app.Client.PostUsageAsync(Batches.Usage(TestApp.Site, Batches.UsageEvent("u1", DateTimeOffset.UtcNow)));

        // Without these CORS headers the tracker would see a network error, not when to try again.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(TestApp.Origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("Retry-After", response.Headers.GetValues("Access-Control-Expose-Headers").Single());
    }

    [Fact]
    public async Task Health_reports_unreachable_storage_as_503()
    {
        await using var app = await TestApp.StartAsync(UnreachableStorage.ConnectionString);

        var response = await app.Client.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("unreachable", (await response.ReadJsonAsync()).GetProperty("storage").GetString());
    }
}
