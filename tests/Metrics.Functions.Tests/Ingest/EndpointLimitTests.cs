using System.Net;
using System.Text.Json.Nodes;
using Metrics.Functions.Tests.Nightly;
using Metrics.Functions.Tests.Operations;
using Metrics.Functions.Tests.Queries;
using Metrics.Functions.Tests.Security;
using Metrics.Rollups;
using Metrics.Storage;
using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Ingest;

/// <summary>
/// A service that sends ids as paths the normaliser cannot tell from words still cannot grow its endpoints past
/// <c>Ingest:MaxEndpointsPerService</c> a day: the rest is stored and counted under <c>{other}</c>, and the answers say so.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class EndpointLimitTests(SharedAzurite azurite)
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task Endpoints_past_the_limit_are_stored_and_counted_under_other_and_the_answers_say_so()
    {
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, new Dictionary<string, string?> { ["Ingest:MaxEndpointsPerService"] = "3" },
            new SharedClock(Now));
        // user1 … user6 read as words (like http2): six endpoints where the service has three routes.
        var events = Enumerable.Range(1, 6).Select(i => (JsonNode)Batches.RequestEvent(i, Now.AddMinutes(-5), id: $"e{i}")).ToList();
        foreach (var (e, i) in events.Select((e, i) => (e, i))) e["endpoint"] = $"/profiles/user{i + 1}";
        var other = Batches.RequestEvent(9, Now.AddMinutes(-5), id: "o1");
        other["endpoint"] = "/profiles/user9";

        Assert.Equal(HttpStatusCode.Accepted, (await app.Client.PostRequestsAsync(Batches.Requests("crowded", events))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await app.Client.PostRequestsAsync(Batches.Requests("quiet", [other]))).StatusCode);
        // Sent again, as a retry: the same events land under the same endpoints.
        Assert.Equal(HttpStatusCode.Accepted, (await app.Client.PostRequestsAsync(Batches.Requests("crowded", events.Select(e => e.DeepClone()))))
            .StatusCode);

        var stored = (await app.Storage.AllAsync(TableNames.RequestEvents)).Where(r => r.GetString("Service") == "crowded").ToList();
        Assert.Equal(6, stored.Count);
        Assert.Equal(3, stored.Count(r => r.GetString("Endpoint") == "{other}"));
        var performance = await app.Client.GetMetricsAsync("/api/metrics/performance?range=24h");
        Assert.Equal(7, performance.GetProperty("summary").GetProperty("requests").GetInt32());
        var endpoints = performance.GetProperty("endpoints").EnumerateArray()
            .Select(e => (Service: e.GetProperty("service").GetString(), Endpoint: e.GetProperty("endpoint").GetString(), Requests: e.GetProperty("requests").GetInt32()))
            .ToList();
        Assert.Equal(3, Assert.Single(endpoints, e => e.Endpoint == "{other}").Requests);
        Assert.Equal(4, endpoints.Count(e => e.Endpoint != "{other}"));
        var detail = performance.GetProperty("sources")[0].GetProperty("detail").GetString();
        Assert.Contains("3 requests are counted under the endpoint {other}", detail, StringComparison.Ordinal);
        Assert.Equal(6, (await Scrape.TakeAsync(app)).Sum("metrics_ingest_endpoint_overflow_total", "kind=requests"));
    }

    [Fact]
    public async Task The_nightly_run_forgets_the_endpoints_of_days_past_raw_retention()
    {
        var time = new SharedClock(Now);
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, time: time);
        string[] routes = ["/alpha", "/beta", "/gamma"];
        var events = routes.Select((route, i) => (JsonNode)Batches.RequestEvent(i, Now.AddMinutes(-5), id: $"n{i}")).ToList();
        foreach (var (e, route) in events.Zip(routes)) e["route"] = route;
        await app.Client.PostRequestsAsync(Batches.Requests("svc", events));
        Assert.Equal(3, (await app.Storage.AllAsync(TableNames.Endpoints)).Count);

        time.Advance(TimeSpan.FromDays(8));
        var run = await app.RunTimerAsync();

        Assert.Equal(3, run.Number("EndpointRowsDeleted"));
        Assert.Empty(await app.Storage.AllAsync(TableNames.Endpoints));
    }
}
