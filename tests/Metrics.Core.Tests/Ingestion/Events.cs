using System.Text.Json;
using System.Text.Json.Nodes;
using Metrics.Core.Ingestion;

namespace Metrics.Core.Tests.Ingestion;

/// <summary>
/// Events as services and browsers send them, read against one fixed clock: no test depends on the time it runs.
/// </summary>
internal static class Events
{
    public const int RawRetentionDays = 7;
    public const string Service = "orders-api";
    public const string Site = "site_3k2";

    public static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 15, 0, TimeSpan.Zero);

    public static readonly AcceptanceWindow Window = AcceptanceWindow.At(Now, RawRetentionDays);

    public static readonly BeaconClient Client = new("anon-0123456789abcdef01234567", "ES");

    /// <summary>A request metric with only the required fields, valid at <see cref="Now"/>.</summary>
    public static JsonObject Request() => new()
    {
        ["timestamp"] = "2026-11-22T10:14:00.123Z",
        ["endpoint"] = "/api/orders/{id}",
        ["method"] = "GET",
        ["status"] = 200,
        ["durationMs"] = 12.7,
    };

    /// <summary>A page view with only the fields it needs, valid at <see cref="Now"/>.</summary>
    public static JsonObject PageView() => new()
    {
        ["type"] = "page_view",
        ["timestamp"] = "2026-11-22T10:14:00.123Z",
        ["page"] = "/pricing",
    };

    /// <summary>The event with <paramref name="field"/> set to a raw JSON value (<c>"null"</c> sends a JSON null).</summary>
    public static JsonObject WithJson(this JsonObject e, string field, string rawJson)
    {
        e[field] = JsonNode.Parse(rawJson);
        return e;
    }

    public static JsonObject With(this JsonObject e, string field, JsonNode? value)
    {
        e[field] = value;
        return e;
    }

    public static JsonObject Without(this JsonObject e, string field)
    {
        e.Remove(field);
        return e;
    }

    public static JsonElement Element(this JsonNode e) => JsonElement.Parse(e.ToJsonString());

    public static JsonElement Parse(string json) => JsonElement.Parse(json);

    public static RequestEvent ReadRequest(JsonObject e) => Accepted(new RequestEventReader(Service, Window).Read(e.Element()));

    public static string RejectRequest(JsonObject e) => Rejected(new RequestEventReader(Service, Window).Read(e.Element()));

    public static UsageEvent ReadUsage(JsonObject e, BeaconClient? client = null) =>
        Accepted(new UsageEventReader(Site, Window, client ?? Client).Read(e.Element()));

    public static string RejectUsage(JsonObject e) => Rejected(new UsageEventReader(Site, Window, Client).Read(e.Element()));

    public static T Accepted<T>(EventRead<T> read) where T : class
    {
        Assert.Null(read.Reason);
        Assert.NotNull(read.Event);
        return read.Event;
    }

    public static string Rejected<T>(EventRead<T> read) where T : class
    {
        Assert.Null(read.Event);
        Assert.NotNull(read.Reason);
        return read.Reason;
    }
}
