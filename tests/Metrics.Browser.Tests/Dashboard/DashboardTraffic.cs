using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Metrics.Functions.Tests;

namespace Metrics.Browser.Tests.Dashboard;

/// <summary>
/// Traffic the dashboard tests send through the real ingest routes, and the numbers it must show for it:
/// orders-api and search-api in the last hours, orders-api again the day before (the previous period), and beacons.
/// </summary>
internal sealed class DashboardTraffic(TestApp app)
{
    public const int Orders = 30, OrdersServerErrors = 3, OrdersClientErrors = 4, Search = 10, OrdersYesterday = 20;

    public static readonly DateTimeOffset Recent = DateTimeOffset.UtcNow.AddMinutes(-90);
    public static readonly DateTimeOffset Yesterday = DateTimeOffset.UtcNow.AddHours(-30);

    public async Task SendAsync()
    {
        // orders-api: every 10th request a 500, every 7th (not 10th) a 404; search-api: all 200, slower.
        var orders = Enumerable.Range(0, Orders).Select(i => Request($"o-{i}", "orders-api", Recent.AddSeconds(i), i % 2 == 0 ? "/orders" : "/orders/{id}",
            i % 10 == 0 ? 500 : i % 7 == 0 ? 404 : 200, 10 + i, $"user-{i % 4}", i % 3 == 0 ? "DE" : "ES"));
        var search = Enumerable.Range(0, Search).Select(i => Request($"s-{i}", "search-api", Recent.AddMinutes(-60).AddSeconds(i), "/search", 200, 200 + i,
            $"user-{i % 5}", "US"));
        var before = Enumerable.Range(0, OrdersYesterday).Select(i => Request($"y-{i}", "orders-api", Yesterday.AddSeconds(i), "/orders", 200, 8 + i,
            $"user-{i % 4}", "ES"));
        await IngestAsync("/api/ingest/requests", "orders-api", orders.Concat(before));
        await IngestAsync("/api/ingest/requests", "search-api", search);
        string?[] names = [null, null, null, "upgrade", "upgrade", "contact"];
        string[] types = ["page_view", "page_view", "page_view", "button_click", "button_click", "form_submit"];
        await IngestAsync("/api/ingest/usage", null, Enumerable.Range(0, names.Length).Select(i => new JsonObject
        {
            ["id"] = $"beacon-{i}",
            ["type"] = types[i],
            ["timestamp"] = Recent.AddSeconds(i).ToString("O", CultureInfo.InvariantCulture),
            ["page"] = i == 2 ? "/docs" : "/pricing",
            ["name"] = names[i],
            ["sessionId"] = $"session-{i % 2}",
        }));
    }

    /// <summary>billing-api's requests, sent for two orgs: acme's 10 (2 server errors, 1 client error, all 250 ms), globex's 5.</summary>
    public const int Acme = 10, AcmeServerErrors = 2, AcmeClientErrors = 1, Globex = 5;
    public const double AcmeMs = 250;

    public Task SendOrgsAsync() => IngestAsync("/api/ingest/requests", "billing-api", Enumerable.Range(0, Acme + Globex).Select(i =>
    {
        var acme = i < Acme;
        var request = Request($"b-{i}", "billing-api", Recent.AddSeconds(40 + i), "/invoices", !acme ? 200 : i < AcmeServerErrors ? 503 : i < AcmeServerErrors + AcmeClientErrors ? 402 : 200,
            acme ? AcmeMs : 40, $"billing-user-{i % 3}", "FR");
        request["orgId"] = acme ? "acme" : "globex";
        return request;
    }));

    /// <summary>llm-api's requests by model, a minute ago (inside this month): gpt-small's 6 of 100 units at 100 ms, gpt-large's 4 of 250 units at 400 ms.</summary>
    public const int Small = 6, Large = 4, SmallUnits = 100, LargeUnits = 250;

    public Task SendModelsAsync() => IngestAsync("/api/ingest/requests", "llm-api", Enumerable.Range(0, Small + Large).Select(i =>
    {
        var small = i < Small;
        var request = Request($"m-{i}", "llm-api", DateTimeOffset.UtcNow.AddMinutes(-1).AddSeconds(-i), "/complete", 200, small ? 100 : 400, $"llm-user-{i % 2}", "SE");
        (request["method"], request["model"], request["units"]) = ("POST", small ? "gpt-small" : "gpt-large", small ? SmallUnits : LargeUnits);
        return request;
    }));

    /// <summary>Two beacons of the signed-in user member-1, besides <see cref="SendAsync"/>'s six anonymous ones (one anonymous visitor).</summary>
    public const int SignedInEvents = 2;

    public Task SendSignedInBeaconsAsync() => IngestAsync("/api/ingest/usage", null, Enumerable.Range(0, SignedInEvents).Select(i => new JsonObject
    {
        ["id"] = $"member-beacon-{i}",
        ["type"] = "page_view",
        ["timestamp"] = Recent.AddSeconds(30 + i).ToString("O", CultureInfo.InvariantCulture),
        ["page"] = "/account",
        ["userId"] = "member-1",
        ["sessionId"] = "member-session",
    }));

    /// <summary>
    /// checkout-api: <see cref="BaselineHours"/> quiet hours of <see cref="PerHour"/> requests (all 200, 20 ms), then the
    /// hour <see cref="SpikeHour"/> with half of them answered 500 at 400 ms: the one hour the reliability query calls a spike.
    /// </summary>
    public const int BaselineHours = 8, PerHour = 20, SpikeErrors = 10;

    public static readonly DateTimeOffset SpikeHour = HourOf(DateTimeOffset.UtcNow).AddHours(-2);

    private static DateTimeOffset HourOf(DateTimeOffset at) => new(at.Ticks - at.Ticks % TimeSpan.TicksPerHour, TimeSpan.Zero);

    public Task SendSpikeAsync() => IngestAsync("/api/ingest/requests", "checkout-api", Enumerable.Range(0, (BaselineHours + 1) * PerHour).Select(i =>
    {
        var hoursBefore = BaselineHours - i / PerHour; // 0 is the spike
        var spike = hoursBefore == 0;
        return Request($"c-{i}", "checkout-api", SpikeHour.AddHours(-hoursBefore).AddSeconds(i % PerHour * 60), "/checkout",
            spike && i % PerHour < SpikeErrors ? 500 : 200, spike ? 400 : 20, $"buyer-{i % 3}", "NL");
    }));

    public static JsonObject Request(string id, string service, DateTimeOffset at, string endpoint, int status, double durationMs, string user, string country) => new()
    {
        ["id"] = id,
        ["timestamp"] = at.ToString("O", CultureInfo.InvariantCulture),
        ["endpoint"] = endpoint,
        ["route"] = endpoint,
        ["method"] = "GET",
        ["status"] = status,
        ["durationMs"] = durationMs,
        ["userId"] = user,
        ["country"] = country,
    };

    /// <summary>Sent as a service (ingestion key) or as a browser on the site's page (origin and agent) would send it.</summary>
    public async Task IngestAsync(string route, string? service, IEnumerable<JsonObject> events)
    {
        var batch = new JsonObject { ["events"] = new JsonArray([.. events]) };
        if (service is null) batch["site"] = TestApp.Site;
        else batch["service"] = service;
        using var request = new HttpRequestMessage(HttpMethod.Post, route)
        {
            Content = new StringContent(batch.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-metrics-key", TestApp.IngestKey);
        request.Headers.Add("Origin", TestApp.Origin);
        request.Headers.TryAddWithoutValidation("User-Agent", TestApp.BrowserUserAgent);
        using var response = await app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }
}
