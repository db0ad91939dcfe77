using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Metrics.Functions.Tests.Ingest;

/// <summary>
/// Builds ingestion batches as a service or a browser would send them: the one place this project writes an event's JSON
/// (<see cref="RequestJson"/>, <see cref="UsageJson"/>); the traffic generators keep what they sent and write it here.
/// </summary>
internal static class Batches
{
    /// <summary>A request event's JSON; fields left null or zero are not sent, as a real client leaves them out.</summary>
    public static JsonObject RequestJson(string? id, DateTimeOffset timestamp, string endpoint, string method, int status, double durationMs,
        string? userId = null, string? orgId = null, string? country = null, string? invocation = null, string? model = null, long units = 0,
        double cpuMs = 0, double? gpuMs = null)
    {
        var json = new JsonObject
        {
            ["timestamp"] = timestamp.ToString("O", CultureInfo.InvariantCulture),
            ["endpoint"] = endpoint,
            ["method"] = method,
            ["status"] = status,
            ["durationMs"] = durationMs,
        };
        if (id is not null) json["id"] = id;
        if (userId is not null) json["userId"] = userId;
        if (orgId is not null) json["orgId"] = orgId;
        if (country is not null) json["country"] = country;
        if (invocation is not null) json["invocation"] = invocation;
        if (model is not null) json["model"] = model;
        if (units != 0) json["units"] = units;
        if (cpuMs != 0) json["cpuMs"] = cpuMs;
        if (gpuMs is { } gpu) json["gpuMs"] = gpu;
        return json;
    }

    /// <summary>A usage beacon's JSON; fields left null are not sent.</summary>
    public static JsonObject UsageJson(string? id, string type, DateTimeOffset timestamp, string? page = null, string? name = null,
        string? elementId = null, string? userId = null, string? sessionId = null, JsonObject? properties = null)
    {
        var json = new JsonObject { ["type"] = type, ["timestamp"] = timestamp.ToString("O", CultureInfo.InvariantCulture) };
        if (id is not null) json["id"] = id;
        if (page is not null) json["page"] = page;
        if (name is not null) json["name"] = name;
        if (elementId is not null) json["elementId"] = elementId;
        if (userId is not null) json["userId"] = userId;
        if (sessionId is not null) json["sessionId"] = sessionId;
        if (properties is not null) json["properties"] = properties;
        return json;
    }

    /// <summary>Request event <paramref name="i"/> of a test batch: every field set.</summary>
    public static JsonObject RequestEvent(int i, DateTimeOffset at, string? id = null) => RequestJson(id ?? $"evt-{i}", at, $"/api/orders/{1000 + i}", "GET",
        i % 10 == 0 ? 500 : 200, 10.5 + i, $"u-{i % 7}", "acme", "es", i % 3 == 0 ? "async" : "sync", "gpt-small", 1000 + i, 3.25, 0);

    public static JsonObject Requests(string service, IEnumerable<JsonNode> events) =>
        new() { ["service"] = service, ["events"] = new JsonArray(events.ToArray()) };

    public static JsonObject Requests(string service, int count, DateTimeOffset at) =>
        Requests(service, Enumerable.Range(0, count).Select(i => (JsonNode)RequestEvent(i, at)));

    public static JsonObject UsageEvent(string id, DateTimeOffset at, string type = "page_view", string? userId = null) =>
        UsageJson(id, type, at, "/pricing?email=someone@example.com", userId: userId, sessionId: "s-1", properties: new JsonObject { ["plan"] = "pro" });

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
