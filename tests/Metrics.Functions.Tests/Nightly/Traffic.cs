using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Metrics.Functions.Tests.Ingest;

namespace Metrics.Functions.Tests.Nightly;

/// <summary>
/// Deterministic traffic for the nightly tests: the same seed gives the same events, so two apps can hold
/// identical data. Durations and CPU times are multiples of 0.25 ms so sums are exact in any order.
/// </summary>
internal static class Traffic
{
    public static readonly string[] Orgs = ["acme", "globex", "initech", "umbrella"];
    private static readonly string[] Services = ["orders-api", "billing-api"];
    private static readonly string[] Endpoints = ["/api/orders", "/api/orders/{n}", "/api/invoices", "/api/health"];
    private static readonly string[] Countries = ["ES", "DE", "US"];
    private static readonly string[] Pages = ["/pricing", "/docs", "/"];

    /// <summary><paramref name="perHour"/> events in each of <paramref name="hours"/>, at random instants inside the hour.</summary>
    public static List<SentRequest> Requests(string idPrefix, IEnumerable<DateTimeOffset> hours, int perHour, int seed = 1)
    {
        var random = new Random(seed);
        var events = new List<SentRequest>();
        foreach (var hour in hours)
            for (var i = 0; i < perHour; i++)
                events.Add(Request($"{idPrefix}-{events.Count}", hour.AddMilliseconds(random.Next(0, 3_600_000)), random));
        return events;
    }

    public static SentRequest Request(string id, DateTimeOffset at, Random random)
    {
        var roll = random.Next(100);
        return new SentRequest(id, Services[random.Next(Services.Length)], at,
            Endpoints[random.Next(Endpoints.Length)].Replace("{n}", random.Next(1000, 9999).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal),
            roll < 6 ? 500 : roll < 12 ? 404 : 200, random.Next(4, 20_000) * 0.25, $"u-{random.Next(25)}", Orgs[random.Next(Orgs.Length)],
            Countries[random.Next(Countries.Length)], random.Next(4) == 0, random.Next(3) == 0 ? "gpt-large" : "gpt-small",
            random.Next(0, 5000), random.Next(0, 400) * 0.25);
    }

    public static List<SentUsage> Usage(string idPrefix, IEnumerable<DateTimeOffset> hours, int perHour, int seed = 2)
    {
        var random = new Random(seed);
        var events = new List<SentUsage>();
        foreach (var hour in hours)
            for (var i = 0; i < perHour; i++)
                events.Add(new SentUsage($"{idPrefix}-{events.Count}", hour.AddMilliseconds(random.Next(0, 3_600_000)),
                    random.Next(3) == 0 ? "button_click" : "page_view", Pages[random.Next(Pages.Length)], $"v-{random.Next(12)}"));
        return events;
    }

    /// <summary>Every hour from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive), stepping by <paramref name="every"/> hours.</summary>
    public static IEnumerable<DateTimeOffset> Hours(DateTimeOffset from, DateTimeOffset to, int every = 1)
    {
        for (var hour = from; hour < to; hour = hour.AddHours(every)) yield return hour;
    }

    /// <summary>Sends the events in batches of at most 1,000 and checks every one was accepted.</summary>
    public static async Task SendAsync(this TestApp app, IReadOnlyCollection<SentRequest> events)
    {
        foreach (var batch in events.Chunk(1000))
        {
            foreach (var group in batch.GroupBy(e => e.Service))
            {
                var body = new JsonObject { ["service"] = group.Key, ["events"] = new JsonArray(group.Select(e => (JsonNode)e.ToJson()).ToArray()) };
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/requests") { Content = Json(body) };
                request.Headers.Add("x-metrics-key", TestApp.IngestKey);
                using var response = await app.Client.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.Accepted, text);
                Assert.True(group.Count() == JsonDocument.Parse(text).RootElement.GetProperty("accepted").GetInt32(), text);
            }
        }
    }

    public static async Task SendAsync(this TestApp app, IReadOnlyCollection<SentUsage> events)
    {
        foreach (var batch in events.Chunk(200))
        {
            var body = new JsonObject { ["site"] = TestApp.Site, ["events"] = new JsonArray(batch.Select(e => (JsonNode)e.ToJson()).ToArray()) };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/usage") { Content = Json(body) };
            request.Headers.Add("Origin", TestApp.Origin);
            request.Headers.TryAddWithoutValidation("User-Agent", TestApp.BrowserUserAgent);
            using var response = await app.Client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, text);
            Assert.True(batch.Length == JsonDocument.Parse(text).RootElement.GetProperty("accepted").GetInt32(), text);
        }
    }

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
}
