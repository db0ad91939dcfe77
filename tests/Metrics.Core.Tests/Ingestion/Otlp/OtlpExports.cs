using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Metrics.Core.Ingestion.Otlp;

namespace Metrics.Core.Tests.Ingestion.Otlp;

/// <summary>
/// Trace exports for the decoders' unit tests, encoded here from the public field numbers (the end-to-end tests send what
/// real exporters encode). Attribute values are strings, longs, doubles or booleans.
/// </summary>
internal static class OtlpExports
{
    public const string TraceId = "5b8efff798038103d269b633813fc60c";
    public const string SpanId = "eee19b7ec3c1b174";

    /// <summary>10:14:00.123 on the unit tests' day (<see cref="Events.Now"/> is 10:15), as Unix nanoseconds.</summary>
    public static readonly ulong Start = (ulong)(Events.Now.AddMinutes(-1).AddMilliseconds(123) - DateTimeOffset.UnixEpoch).Ticks * 100;

    public sealed record Span(string TraceId, string SpanId, SpanKind Kind, ulong Start, ulong End, params (string Key, object Value)[] Attributes);

    /// <summary>A server span of <c>GET /api/orders/{id}</c> answered 200 in 12.5 ms, as ASP.NET Core's instrumentation reports it.</summary>
    public static Span Server(string spanId = SpanId, params (string Key, object Value)[] more) => new(TraceId, spanId, SpanKind.Server, Start, Start + 12_500_000,
        [("http.request.method", "GET"), ("http.route", "/api/orders/{id}"), ("url.path", "/api/orders/42"), ("http.response.status_code", 200L), .. more]);

    public static byte[] Protobuf((string Key, object Value)[] resource, params Span[] spans)
    {
        var scope = Message(output => { foreach (var span in spans) Field(output, 2, SpanMessage(span)); });
        var resourceSpans = Message(output =>
        {
            Field(output, 2, scope);   // scope_spans before resource: readers must not depend on field order
            Field(output, 1, Message(r => { foreach (var attribute in resource) Field(r, 1, KeyValue(attribute)); }));
        });
        return Message(output => Field(output, 1, resourceSpans));
    }

    public static string Json((string Key, object Value)[] resource, params Span[] spans) => new JsonObject
    {
        ["resourceSpans"] = new JsonArray(new JsonObject
        {
            ["resource"] = new JsonObject { ["attributes"] = Attributes(resource) },
            ["scopeSpans"] = new JsonArray(new JsonObject
            {
                ["scope"] = new JsonObject { ["name"] = "test" },
                ["spans"] = new JsonArray(spans.Select(span => (JsonNode)new JsonObject
                {
                    ["traceId"] = span.TraceId.ToUpperInvariant(),
                    ["spanId"] = span.SpanId,
                    ["name"] = "GET /api/orders/{id}",
                    ["kind"] = (int)span.Kind,
                    // 64-bit integers as strings, as protobuf's JSON mapping writes them; the end time as a number, which readers take too.
                    ["startTimeUnixNano"] = span.Start.ToString(CultureInfo.InvariantCulture),
                    ["endTimeUnixNano"] = span.End,
                    ["attributes"] = Attributes(span.Attributes),
                    ["status"] = new JsonObject(),
                }).ToArray()),
            }),
        }),
    }.ToJsonString();

    private static JsonArray Attributes((string Key, object Value)[] attributes) => new(attributes.Select(a => (JsonNode)new JsonObject
    {
        ["key"] = a.Key,
        ["value"] = a.Value switch
        {
            string text => new JsonObject { ["stringValue"] = text },
            long number => new JsonObject { ["intValue"] = number.ToString(CultureInfo.InvariantCulture) },
            double number => new JsonObject { ["doubleValue"] = number },
            bool flag => new JsonObject { ["boolValue"] = flag },
            _ => throw new ArgumentException($"no OTLP value for {a.Value.GetType()}"),
        },
    }).ToArray());

    private static byte[] SpanMessage(Span span) => Message(output =>
    {
        Field(output, 1, Convert.FromHexString(span.TraceId));
        Field(output, 2, Convert.FromHexString(span.SpanId));
        output.WriteTag(5, WireFormat.WireType.LengthDelimited);
        output.WriteString("GET /api/orders/{id}");
        output.WriteTag(6, WireFormat.WireType.Varint);
        output.WriteEnum((int)span.Kind);
        output.WriteTag(7, WireFormat.WireType.Fixed64);
        output.WriteFixed64(span.Start);
        output.WriteTag(8, WireFormat.WireType.Fixed64);
        output.WriteFixed64(span.End);
        foreach (var attribute in span.Attributes) Field(output, 9, KeyValue(attribute));
        output.WriteTag(16, WireFormat.WireType.Fixed32);   // flags: a field the reader does not need
        output.WriteFixed32(1);
    });

    private static byte[] KeyValue((string Key, object Value) attribute) => Message(output =>
    {
        output.WriteTag(1, WireFormat.WireType.LengthDelimited);
        output.WriteString(attribute.Key);
        Field(output, 2, Message(value =>
        {
            switch (attribute.Value)
            {
                case string text: value.WriteTag(1, WireFormat.WireType.LengthDelimited); value.WriteString(text); break;
                case bool flag: value.WriteTag(2, WireFormat.WireType.Varint); value.WriteBool(flag); break;
                case long number: value.WriteTag(3, WireFormat.WireType.Varint); value.WriteInt64(number); break;
                case double number: value.WriteTag(4, WireFormat.WireType.Fixed64); value.WriteDouble(number); break;
                default: throw new ArgumentException($"no OTLP value for {attribute.Value.GetType()}");
            }
        }));
    });

    private static void Field(CodedOutputStream output, int number, byte[] message)
    {
        output.WriteTag(number, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(message));
    }

    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        write(output);
        output.Flush();
        return stream.ToArray();
    }
}
