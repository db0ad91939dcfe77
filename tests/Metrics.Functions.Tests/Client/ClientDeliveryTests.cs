using System.Net;
using Metrics.Functions.Tests.Queries;
using Metrics.Azurite;
using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Client;

/// <summary>
/// Metrics.Client in a service, sending to the real app through the local host and Azurite: every request the service
/// answered is counted once, with its route template, status and user, also when storage is down for a while.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ClientDeliveryTests(SharedAzurite azurite)
{
    [Fact]
    public async Task Every_request_of_a_service_appears_once_with_its_template_status_and_user()
    {
        await using var app = await TestApp.StartAsync(azurite.ConnectionString);
        await using (var service = await SampleService.StartAsync(app.Host.Address, TestApp.IngestKey))
        {
            await SendTrafficAsync(service);
        } // Stopping the service sends what it buffered.

        await AssertCountedOnceAsync(app);
    }

    [Fact]
    public async Task Requests_recorded_while_storage_is_down_are_retried_and_counted_once_when_it_is_back()
    {
        long retried = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Metrics.Client" && instrument.Name == "metrics.client.sends.retried") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref retried, value));
        listener.Start();
        var folder = Directory.CreateTempSubdirectory("azurite-client-").FullName;
        await using var outage = await AzuriteLauncher.StartOnFreePortsAsync(folder);
        await using var app = await TestApp.StartAsync(outage.ConnectionString);
        var service = await SampleService.StartAsync(app.Host.Address, TestApp.IngestKey);
        try
        {
            await outage.StopAsync();
            await SendTrafficAsync(service);
            // Long enough for the first batches to meet 503s and wait out their Retry-After.
            await Task.Delay(TimeSpan.FromSeconds(3));
            await outage.StartAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            await service.DisposeAsync();
        }

        Assert.True(Interlocked.Read(ref retried) > 0, "no send was retried: the outage was not met");
        await AssertCountedOnceAsync(app);
    }

    /// <summary>30 reads of 3 orders by two users, 5 failures, 4 chats, 3 health probes (not recorded) and 2 unmatched paths.</summary>
    private static async Task SendTrafficAsync(SampleService service)
    {
        for (var i = 0; i < 30; i++)
            Assert.Equal(HttpStatusCode.OK, (await service.GetAsync($"/orders/A-{i % 3}", user: i % 2 == 0 ? "ana" : "bo", org: "acme")).StatusCode);
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.InternalServerError, (await service.GetAsync($"/orders/B-{i}/fail", user: "ana", org: "acme")).StatusCode);
        for (var i = 0; i < 4; i++)
            Assert.Equal(HttpStatusCode.Accepted, (await service.SendAsync(HttpMethod.Post, "/chat", user: "cy", org: "globex")).StatusCode);
        for (var i = 0; i < 3; i++) await service.GetAsync("/health");
        for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.NotFound, (await service.GetAsync($"/nowhere/{i}")).StatusCode);
    }

    private static async Task AssertCountedOnceAsync(TestApp app)
    {
        await SampleServiceAnswers.AssertEndpointsAndUsersAsync(app, SampleService.Service);
        var models = (await app.Client.GetMetricsAsync("/api/metrics/breakdown?range=24h&by=model")).GetProperty("rows").EnumerateArray()
            .ToDictionary(r => r.GetProperty("key").GetString()!, r => (Requests: r.GetProperty("requests").GetInt32(), Units: r.GetProperty("units").GetInt64(),
                Async: r.GetProperty("asyncRequests").GetInt32()));
        Assert.Equal((4, 400L, 4), models.Single(m => m.Key.Contains("gpt-small", StringComparison.Ordinal)).Value);
    }
}
