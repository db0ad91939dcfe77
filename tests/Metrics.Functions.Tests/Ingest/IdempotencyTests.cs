using System.Net;
using Metrics.Functions.Tests.Queries;
using Metrics.Rollups;
using Metrics.Storage;
using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Ingest;

/// <summary>The idempotency rule as docs/api.md states it: an event is its id and the hour of its timestamp.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class IdempotencyTests(SharedAzurite azurite)
{
    private static readonly DateTimeOffset Now = new(2026, 5, 4, 12, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_same_id_in_the_same_hour_is_one_event_whose_first_copy_is_kept()
    {
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, time: new SharedClock(Now));
        var first = Batches.RequestEvent(0, Now.AddMinutes(-20), id: "same");
        var again = Batches.RequestEvent(1, Now.AddMinutes(-10), id: "same");
        again["status"] = 503;

        Assert.Equal(HttpStatusCode.Accepted, (await app.Client.PostRequestsAsync(Batches.Requests("svc", [first]))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await app.Client.PostRequestsAsync(Batches.Requests("svc", [again]))).StatusCode);

        var row = Assert.Single(await app.Storage.AllAsync(TableNames.RequestEvents));
        Assert.Equal(first["status"]!.GetValue<int>(), row.GetInt32("Status"));
        var summary = (await app.Client.GetMetricsAsync("/api/metrics/performance?range=24h")).GetProperty("summary");
        Assert.Equal(1, summary.GetProperty("requests").GetInt32());
        Assert.Equal(first["durationMs"]!.GetValue<double>(), summary.GetProperty("avgMs").GetDouble());
    }

    [Fact]
    public async Task The_same_id_in_another_hour_is_another_event()
    {
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, time: new SharedClock(Now));

        await app.Client.PostRequestsAsync(Batches.Requests("svc", [Batches.RequestEvent(0, Now.AddMinutes(-20), id: "reused")]));
        await app.Client.PostRequestsAsync(Batches.Requests("svc", [Batches.RequestEvent(0, Now.AddHours(-2), id: "reused")]));

        Assert.Equal(2, (await app.Storage.AllAsync(TableNames.RequestEvents)).Count);
        var summary = (await app.Client.GetMetricsAsync("/api/metrics/performance?range=24h")).GetProperty("summary");
        Assert.Equal(2, summary.GetProperty("requests").GetInt32());
    }
}
