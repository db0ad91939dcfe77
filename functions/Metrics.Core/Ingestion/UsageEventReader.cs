using System.Text.Json;

namespace Metrics.Core.Ingestion;

/// <summary>Reads and validates one usage beacon of a site's batch.</summary>
public sealed class UsageEventReader(string site, AcceptanceWindow window, BeaconClient client)
{
    public EventRead<UsageEvent> Read(JsonElement element)
    {
        var fields = new EventFields(element);
        if (!fields.IsObject) return EventRead<UsageEvent>.Rejected(RejectionCode.NotAnObject, "event must be a JSON object");

        var id = fields.Text("id", IngestLimits.MaxIdLength);
        var type = fields.Text("type", 32, required: true);
        var timestamp = fields.Timestamp("timestamp", window);
        var page = fields.Text("page", IngestLimits.MaxPageLength);
        var name = fields.Text("name", IngestLimits.MaxTextLength);
        var elementId = fields.Text("elementId", IngestLimits.MaxTextLength);
        var userId = fields.Text("userId", IngestLimits.MaxTextLength);
        var sessionId = fields.Text("sessionId", IngestLimits.MaxTextLength);
        var properties = fields.Object("properties");

        if (fields.Problem is { } problem) return EventRead<UsageEvent>.Rejected(problem);
        if (!UsageEventTypes.All.Contains(type!))
            return EventRead<UsageEvent>.Rejected(RejectionCode.InvalidValue, $"type '{type}' is not one of {string.Join(", ", UsageEventTypes.All)}");
        // Pages are stored as paths: a query string can carry personal data (emails, tokens).
        page = page is null ? null : StripQuery(page) is { Length: > 0 } path ? path : null;
        if (type == UsageEventTypes.PageView && page is null)
            return EventRead<UsageEvent>.Rejected(RejectionCode.MissingField, "page is required for a page_view");
        if (id is not null && EventIds.Check(id) is { } badId) return EventRead<UsageEvent>.Rejected(badId);
        if (properties is { } map && CheckProperties(map) is { } badProperties)
            return EventRead<UsageEvent>.Rejected(badProperties);

        var propertiesJson = properties?.GetRawText();
        var visitorId = userId ?? client.AnonymousVisitorId;
        id ??= EventIds.Derive(site, type, timestamp, page, name, elementId, visitorId, sessionId, propertiesJson);
        return EventRead<UsageEvent>.Accepted(new UsageEvent(id, site, type!, timestamp, page, name, elementId,
            userId, visitorId, sessionId, client.Country, propertiesJson));
    }

    private static (RejectionCode Code, string Reason)? CheckProperties(JsonElement map)
    {
        var count = 0;
        foreach (var property in map.EnumerateObject())
        {
            if (++count > IngestLimits.MaxProperties) return (RejectionCode.InvalidValue, $"properties has more than {IngestLimits.MaxProperties} entries");
            if (property.Name.Length is 0 or > IngestLimits.MaxPropertyNameLength)
                return (RejectionCode.InvalidValue, $"property names must be 1 to {IngestLimits.MaxPropertyNameLength} characters");
            var tooLong = property.Value.ValueKind == JsonValueKind.String
                && property.Value.GetString()!.Length > IngestLimits.MaxTextLength;
            tooLong |= property.Value.ValueKind == JsonValueKind.Number && property.Value.GetRawText().Length > 64;
            if (tooLong) return (RejectionCode.TooLong, $"property '{property.Name}' is longer than {IngestLimits.MaxTextLength} characters");
            if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                return (RejectionCode.InvalidValue, $"property '{property.Name}' must be a string, number or boolean");
        }
        return null;
    }

    private static string StripQuery(string page)
    {
        var cut = page.IndexOfAny(['?', '#']);
        return cut < 0 ? page : page[..cut];
    }
}
