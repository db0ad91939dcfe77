using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Metrics.Functions.Tests.Ingest;

/// <summary>Builds ingestion batches as a service or a browser would send them.</summary>
internal static class Batches
{
    public static JsonObject RequestEvent(int i, DateTimeOffset at, string? id = null) => new()
    {
        ["id"] = id ?? $"evt-{i}",
        ["timestamp"] = at.ToString("O", CultureInfo.InvariantCulture),
        ["endpoint"] = $"/api/orders/{1000 + i}",
        ["method"] = "GET",
        ["status"] = i % 10 == 0 ? 500 : 200,
        ["durationMs"] = 10.5 + i,
        ["userId"] = $"u-{i % 7}",
        ["orgId"] = "acme",
        ["country"] = "es",
        ["invocation"] = i % 3 == 0 ? "async" : "sync",
        ["model"] = "gpt-small",
        ["units"] = 1000 + i,
        ["cpuMs"] = 3.25,
        ["gpuMs"] = 0,
    };

    public static JsonObject Requests(string service, IEnumerable<JsonNode> events) =>
        new() { ["service"] = service, ["events"] = new JsonArray(events.ToArray()) };

    public static JsonObject Requests(string service, int count, DateTimeOffset at) =>
        Requests(service, Enumerable.Range(0, count).Select(i => (JsonNode)RequestEvent(i, at)));

    public static JsonObject UsageEvent(string id, DateTimeOffset at, string type = "page_view", string? userId = null) => new()
    {
        ["id"] = id,
        ["type"] = type,
        ["timestamp"] = at.ToString("O", CultureInfo.InvariantCulture),
        ["page"] = "/pricing?email=someone@example.com",
        ["userId"] = userId,
        ["sessionId"] = "s-1",
        ["properties"] = new JsonObject { ["plan"] = "pro" },
    };

    public static JsonObject Usage(string site, params JsonNode[] events) =>
        new() { ["site"] = site, ["events"] = new JsonArray(events) };

    public static async Task<HttpResponseMessage> PostRequestsAsync(this HttpClient client, JsonNode batch, string? key = TestApp.IngestKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/requests") { Content = Json(batch) };
        if (key is not null) request.Headers.Add("x-metrics-key", key);
        return await client.SendAsync(request);
    }

    /// <summary>A batch as raw text: for bodies no serializer would write (a field twice, an escaped lone surrogate).</summary>
    public static async Task<HttpResponseMessage> PostRequestsAsync(this HttpClient client, string body, string? key = TestApp.IngestKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/requests")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        if (key is not null) request.Headers.Add("x-metrics-key", key);
        return await client.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> PostUsageAsync(this HttpClient client, JsonNode batch, string? origin = TestApp.Origin,
        string mediaType = "application/json", string userAgent = TestApp.BrowserUserAgent, string? country = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/usage")
        {
            Content = new StringContent(batch.ToJsonString(), Encoding.UTF8, mediaType),
        };
        if (origin is not null) request.Headers.Add("Origin", origin);
        request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        if (country is not null) request.Headers.Add(TestApp.CountryHeader, country);
        return await client.SendAsync(request);
    }

    public static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}
