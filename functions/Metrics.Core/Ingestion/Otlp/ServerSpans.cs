using System.Globalization;

namespace Metrics.Core.Ingestion.Otlp;

/// <summary>
/// Turns the server spans of a trace export into request events (docs/api.md, "OTLP mapping"): one SERVER span is one
/// request a service served. Attributes are read from the span, else from its resource; the current semantic-convention
/// names first, then the older ones. A span that cannot be a request event is rejected with its reason, like an invalid
/// event of a batch; spans of other kinds are not requests and are left to the caller to count as ignored.
/// </summary>
public sealed class ServerSpans(AcceptanceWindow window, OtlpOptions names)
{
    public const string ServiceName = "service.name";

    /// <summary>The export's server spans as a batch of request events, deduplicated by id as any batch is.</summary>
    public static IngestBatch<RequestEvent> Read(TraceExport export, AcceptanceWindow window, OtlpOptions names) =>
        IngestBatch<RequestEvent>.Read(export.Spans.Where(span => span.Kind == SpanKind.Server), new ServerSpans(window, names).Read);

    /// <summary>The event id of a span: the same span sent again (an exporter's retry) is the same row.</summary>
    public static string EventId(string traceId, string spanId) => $"otlp-{traceId}-{spanId}";

    public EventRead<RequestEvent> Read(ExportedSpan span)
    {
        var read = Map(span);
        return read.Event is not null ? read : EventRead<RequestEvent>.Rejected(read.Code, $"span {span.SpanId} of trace {span.TraceId}: {read.Reason}");
    }

    private EventRead<RequestEvent> Map(ExportedSpan span)
    {
        if (!IsId(span.TraceId, 32) || !IsId(span.SpanId, 16))
            return Rejected(RejectionCode.InvalidValue, "traceId must be 16 bytes and spanId 8 bytes, not all zero");
        var service = span.Resource.Text(ServiceName);
        if (service is null)
            return Rejected(RejectionCode.MissingField, "its resource has no service.name: set OTEL_SERVICE_NAME in the service");
        if (!SourceNames.IsValid(service))
            return Rejected(RejectionCode.InvalidValue, $"service.name '{Shown(service)}' must be {SourceNames.Rule}: set OTEL_SERVICE_NAME in the service");

        if (span.StartTimeUnixNano == 0 || span.EndTimeUnixNano < span.StartTimeUnixNano)
            return Rejected(RejectionCode.InvalidValue, "startTimeUnixNano must be set and endTimeUnixNano not before it");
        var timestamp = DateTimeOffset.UnixEpoch.AddTicks((long)(span.StartTimeUnixNano / 100));
        if (window.Check(timestamp) is { } outside) return EventRead<RequestEvent>.Rejected(outside);
        var durationMs = (span.EndTimeUnixNano - span.StartTimeUnixNano) / 1e6;
        if (durationMs > IngestLimits.MaxDurationMs)
            return Rejected(RejectionCode.InvalidValue, $"it lasted {durationMs:0} ms, more than {IngestLimits.MaxDurationMs:0}");

        var method = Attribute(span, "http.request.method") ?? Attribute(span, "http.method");
        if (method is null) return Rejected(RejectionCode.MissingField, "it is not an HTTP request: no http.request.method (nor http.method)");
        method = method.ToUpperInvariant();
        if (!RequestEventReader.Methods.Contains(method)) return Rejected(RejectionCode.InvalidValue, $"http.request.method '{Shown(method)}' is not an HTTP method");
        var status = Integer(span, "http.response.status_code") ?? Integer(span, "http.status_code");
        if (status is null) return Rejected(RejectionCode.MissingField, "it has no http.response.status_code (nor http.status_code)");
        if (status is < 100 or > 599) return Rejected(RejectionCode.InvalidValue, $"http.response.status_code {status} is not between 100 and 599");

        var endpoint = Endpoint(span);
        if (endpoint is null) return Rejected(RejectionCode.MissingField, "it has no http.route, url.path nor http.target");
        if (endpoint.Length > IngestLimits.MaxEndpointLength)
            return Rejected(RejectionCode.TooLong, $"its endpoint is longer than {IngestLimits.MaxEndpointLength} characters");

        var user = Attribute(span, "user.id") ?? Attribute(span, "enduser.id");
        var org = Attribute(span, names.OrgAttribute);
        var model = Attribute(span, names.ModelAttribute);
        var units = Integer(span, names.UnitsAttribute) ?? 0;
        if (units is < 0 or > long.MaxValue / 1024) return Rejected(RejectionCode.InvalidValue, $"{names.UnitsAttribute} must be a whole number from 0");
        foreach (var (name, text) in new[] { ("endpoint", endpoint), ("user.id", user), (names.OrgAttribute, org), (names.ModelAttribute, model) })
        {
            if (text is null) continue;
            if (name != "endpoint" && text.Length > IngestLimits.MaxTextLength)
                return Rejected(RejectionCode.TooLong, $"{name} is longer than {IngestLimits.MaxTextLength} characters");
            if (text.Any(char.IsControl)) return Rejected(RejectionCode.ControlCharacters, $"{name} contains control characters");
        }

        return EventRead<RequestEvent>.Accepted(new RequestEvent(EventId(span.TraceId, span.SpanId), service, timestamp, endpoint, method, (int)status,
            durationMs, user, org, null, Invocation.Sync, model, units, 0, 0));
    }

    /// <summary>The route template as the service's framework names it, else its path made a template as raw paths are.</summary>
    private static string? Endpoint(ExportedSpan span)
    {
        if (Attribute(span, "http.route") is { } route) return route.StartsWith('/') ? route : "/" + route;
        var path = Attribute(span, "url.path") ?? Attribute(span, "http.target") ?? Attribute(span, "url.full") ?? Attribute(span, "http.url");
        return path is null ? null : EndpointTemplate.Normalise(path);
    }

    /// <summary>An attribute as trimmed text, from the span or else its resource; empty is absent.</summary>
    private static string? Attribute(ExportedSpan span, string name) =>
        (span.Attributes.Text(name) ?? span.Resource.Text(name))?.Trim() is { Length: > 0 } text ? text : null;

    private static long? Integer(ExportedSpan span, string name) => span.Attributes.Integer(name) ?? span.Resource.Integer(name);

    private static bool IsId(string hex, int length) =>
        hex.Length == length && hex.All(char.IsAsciiHexDigitLower) && hex.Any(c => c != '0');

    private static string Shown(string text) => text.Length > 64 ? text[..64] + "…" : text;

    private static EventRead<RequestEvent> Rejected(RejectionCode code, string reason) => EventRead<RequestEvent>.Rejected(code, reason);
}
