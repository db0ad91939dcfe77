using System.Net;
using Metrics.Azurite;
using Metrics.Functions.Tests.Queries;
using Metrics.Rollups;
using Metrics.Storage;
using Metrics.Tests.Shared;

namespace Metrics.Functions.Tests.Otlp;

/// <summary>
/// Services instrumented with OpenTelemetry, sending to the real app through the local host and Azurite with its official
/// exporters: .NET (ASP.NET Core's instrumentation, OTLP/HTTP protobuf) and Node (the HTTP instrumentation, OTLP/HTTP JSON): every request it served appears once, with its route template,
/// status and user, also when storage is down for a while and the exporter retries.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class OtlpDeliveryTests(SharedAzurite azurite)
{
    public static TheoryData<string> Exporters => ["dotnet", "node"];

    [Theory, MemberData(nameof(Exporters))]
    public async Task Every_request_a_service_served_appears_once_with_its_route_template_status_and_user(string exporter)
    {
        await using var app = await TestApp.StartAsync(azurite.ConnectionString);
        var service = await StartAsync(exporter, app);
        await using (service)
        {
            await SendTrafficAsync(service);
        } // Stopping the service exports what it buffered.

        await AssertCountedOnceAsync(app, service);
    }

    [Theory, MemberData(nameof(Exporters))]
    public async Task Spans_exported_while_storage_is_down_are_stored_once_after_the_exporters_own_retries(string exporter)
    {
        var folder = Directory.CreateTempSubdirectory("azurite-otlp-").FullName;
        await using var outage = await AzuriteLauncher.StartOnFreePortsAsync(folder);
        await using var app = await TestApp.StartAsync(outage.ConnectionString);
        var service = await StartAsync(exporter, app);
        var refused = 0;
        try
        {
            await outage.StopAsync();
            await SendTrafficAsync(service);
            // Long enough for the first exports to meet 503s, and the exporter to wait out their Retry-After.
            await Task.Delay(TimeSpan.FromSeconds(3));
            using (var probe = await app.Client.PostOtlpJsonAsync(OtlpBodies.Export("probe-api", OtlpBodies.ServerSpan(1))))
                if (probe.StatusCode == HttpStatusCode.ServiceUnavailable && probe.Headers.RetryAfter is not null) refused++;
            await outage.StartAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            await service.DisposeAsync();
        }

        Assert.Equal(1, refused);
        await AssertCountedOnceAsync(app, service);
    }

    /// <summary>
    /// The .NET service (HTTP/protobuf) with the exporter's own retry of 429/503 on (it honours Retry-After) and time to
    /// outlast an outage; or the Node service (HTTP/JSON), whose exporter retries by default.
    /// </summary>
    private static async Task<ISampleService> StartAsync(string exporter, TestApp app) => exporter == "node"
        ? await NodeSampleService.StartAsync(app.Host.Address, TestApp.IngestKey)
        : await OtlpSampleService.StartAsync(app.Host.Address, TestApp.IngestKey, new Dictionary<string, string?>
        {
            ["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "in_memory",
            ["OTEL_EXPORTER_OTLP_TIMEOUT"] = "60000",
        });

    /// <summary>30 reads of 3 orders by two users, 5 failures, 4 chats, 3 health probes (not traced) and 2 unmatched paths.</summary>
    private static async Task SendTrafficAsync(ISampleService service)
    {
        for (var i = 0; i < 30; i++)
            Assert.Equal(HttpStatusCode.OK, (await service.SendAsync(HttpMethod.Get, $"/orders/A-{i % 3}", user: i % 2 == 0 ? "ana" : "bo", org: "acme")).StatusCode);
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.InternalServerError, (await service.SendAsync(HttpMethod.Get, $"/orders/B-{i}/fail", user: "ana", org: "acme")).StatusCode);
        for (var i = 0; i < 4; i++)
            Assert.Equal(HttpStatusCode.Accepted, (await service.SendAsync(HttpMethod.Post, "/chat", user: "cy", org: "globex")).StatusCode);
        for (var i = 0; i < 3; i++) await service.SendAsync(HttpMethod.Get, "/health");
        for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.NotFound, (await service.SendAsync(HttpMethod.Get, $"/nowhere/{i}")).StatusCode);
    }

    private static async Task AssertCountedOnceAsync(TestApp app, ISampleService service)
    {
        var served = service.Served;
        Assert.Equal(41, served.Count);
        var stored = (await app.Storage.AllAsync(TableNames.RequestEvents)).Select(row => row.RowKey);
        Assert.Equal(served.Select(id => $"{service.Name}:{id}").Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));

        await SampleServiceAnswers.AssertEndpointsAndUsersAsync(app, service.Name);
        var orgs = (await app.Client.GetMetricsAsync("/api/metrics/breakdown?range=24h&by=org")).GetProperty("rows").EnumerateArray()
            .ToDictionary(r => r.GetProperty("key").GetString()!, r => r.GetProperty("requests").GetInt32());
        Assert.Equal(35, orgs["acme"]);
        Assert.Equal(4, orgs["globex"]);
        var models = (await app.Client.GetMetricsAsync("/api/metrics/breakdown?range=24h&by=model")).GetProperty("rows").EnumerateArray()
            .ToDictionary(r => r.GetProperty("key").GetString()!, r => (Requests: r.GetProperty("requests").GetInt32(), Units: r.GetProperty("units").GetInt64()));
        Assert.Equal((4, 400L), models.Single(m => m.Key.Contains("gpt-small", StringComparison.Ordinal)).Value);
    }
}
