using System.Text.Json;

namespace Metrics.Core.Ingestion;

/// <summary>Reads and validates one request metric of a service's batch.</summary>
public sealed class RequestEventReader(string service, AcceptanceWindow window)
{
    /// <summary>The methods a request event may have (OTLP spans are held to the same set).</summary>
    internal static readonly HashSet<string> Methods = new HashSet<string>(StringComparer.Ordinal)
        { "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT" };

    public EventRead<RequestEvent> Read(JsonElement element)
    {
        var fields = new EventFields(element);
        if (!fields.IsObject) return EventRead<RequestEvent>.Rejected(RejectionCode.NotAnObject, "event must be a JSON object");

        var id = fields.Text("id", IngestLimits.MaxIdLength);
        var timestamp = fields.Timestamp("timestamp", window);
        var endpoint = fields.Text("endpoint", IngestLimits.MaxEndpointLength, required: true);
        var route = fields.Text("route", IngestLimits.MaxEndpointLength);
        var method = fields.Text("method", 16, required: true)?.ToUpperInvariant();
        var status = (int)fields.Integer("status", 100, 599, required: true);
        var durationMs = fields.Number("durationMs", 0, IngestLimits.MaxDurationMs, required: true);
        var userId = fields.Text("userId", IngestLimits.MaxTextLength);
        var orgId = fields.Text("orgId", IngestLimits.MaxTextLength);
        var country = fields.Text("country", 2)?.ToUpperInvariant();
        var invocation = fields.Text("invocation", 8)?.ToLowerInvariant();
        var model = fields.Text("model", IngestLimits.MaxTextLength);
        var units = fields.Integer("units", 0, long.MaxValue / 1024);
        var cpuMs = fields.Number("cpuMs", 0, IngestLimits.MaxDurationMs);
        var gpuMs = fields.Number("gpuMs", 0, IngestLimits.MaxDurationMs);

        if (fields.Problem is { } problem) return EventRead<RequestEvent>.Rejected(problem);
        if (!Methods.Contains(method!)) return EventRead<RequestEvent>.Rejected(RejectionCode.InvalidValue, $"method '{method}' is not an HTTP method");
        if (country is not null && (country.Length != 2 || !country.All(char.IsAsciiLetter)))
            return EventRead<RequestEvent>.Rejected(RejectionCode.InvalidValue, "country must be a two-letter ISO 3166 code");
        if (invocation is not (null or "sync" or "async"))
            return EventRead<RequestEvent>.Rejected(RejectionCode.InvalidValue, "invocation must be 'sync' or 'async'");

        if (route is not null && (!route.StartsWith('/') || route.IndexOfAny(['?', '#']) >= 0))
            return EventRead<RequestEvent>.Rejected(RejectionCode.InvalidValue, "route must be a path template such as /orders/{id}, without a query");
        // A service that knows its route template says so; only a raw path is guessed at.
        var template = route ?? EndpointTemplate.Normalise(endpoint!);
        if (template.Length > IngestLimits.MaxEndpointLength)
            return EventRead<RequestEvent>.Rejected(RejectionCode.TooLong, $"endpoint is longer than {IngestLimits.MaxEndpointLength} characters");
        if (id is not null && EventIds.Check(id) is { } badId) return EventRead<RequestEvent>.Rejected(badId);

        // From the raw endpoint: requests to /orders/1 and /orders/2 in the same instant are two events. The route only
        // when sent, so an event without one keeps the id it had before routes existed.
        object?[] content = [service, timestamp, endpoint, method, status, durationMs, userId, orgId, country, invocation, model, units, cpuMs, gpuMs];
        id ??= EventIds.Derive(route is null ? content : [.. content, route]);
        return EventRead<RequestEvent>.Accepted(new RequestEvent(id, service, timestamp, template, method!, status,
            durationMs, userId, orgId, country, invocation == "async" ? Invocation.Async : Invocation.Sync, model,
            units, cpuMs, gpuMs));
    }
}
