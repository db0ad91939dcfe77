using Google.Protobuf;
using Metrics.Core.Ingestion;

namespace Metrics.Benchmarks;

/// <summary>
/// The requests of <see cref="SyntheticRequests"/> as an OTLP exporter sends them: one SERVER span each, in
/// <c>ExportTraceServiceRequest</c> protobuf bodies (field numbers of opentelemetry-proto), with the attributes
/// ASP.NET Core's instrumentation sets plus user, org, model and units. Country, invocation and CPU/GPU times have no span
/// attribute, so an OTLP row holds a little less than a batch event's.
/// </summary>
internal static class OtlpSpans
{
    public static List<byte[]> Exports(SyntheticRequests requests, int first, int events, int batchSize) =>
        Enumerable.Range(0, (events + batchSize - 1) / batchSize)
            .Select(b => Export(requests, first + b * batchSize, Math.Min(batchSize, events - b * batchSize)))
            .ToList();

    private static byte[] Export(SyntheticRequests requests, int first, int count)
    {
        var scope = Message(output =>
        {
            for (var i = first; i < first + count; i++) Field(output, 2, Span(requests.Event(i), i));
        });
        var resourceSpans = Message(output =>
        {
            Field(output, 1, Message(resource => Field(resource, 1, KeyValue("service.name", requests.Service))));
            Field(output, 2, scope);
        });
        return Message(output => Field(output, 1, resourceSpans));
    }

    private static byte[] Span(RequestEvent e, int i) => Message(output =>
    {
        var ids = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(e.Id));
        Field(output, 1, ids[..16]);
        Field(output, 2, ids[16..24]);
        output.WriteTag(5, WireFormat.WireType.LengthDelimited);
        output.WriteString($"{e.Method} {e.Endpoint}");
        output.WriteTag(6, WireFormat.WireType.Varint);
        output.WriteEnum(2);
        var start = (ulong)(e.Timestamp - DateTimeOffset.UnixEpoch).Ticks * 100;
        output.WriteTag(7, WireFormat.WireType.Fixed64);
        output.WriteFixed64(start);
        output.WriteTag(8, WireFormat.WireType.Fixed64);
        output.WriteFixed64(start + (ulong)(e.DurationMs * 1e6));
        Field(output, 9, KeyValue("http.request.method", e.Method));
        Field(output, 9, KeyValue("http.route", e.Endpoint));
        Field(output, 9, KeyValue("url.path", $"/api/orders/{100_000 + i}"));
        Field(output, 9, KeyValue("url.scheme", "https"));
        Field(output, 9, KeyValue("network.protocol.version", "1.1"));
        Field(output, 9, KeyValue("http.response.status_code", e.Status));
        Field(output, 9, KeyValue("user.id", e.UserId!));
        Field(output, 9, KeyValue("org.id", e.OrgId!));
        Field(output, 9, KeyValue("gen_ai.request.model", e.Model!));
        Field(output, 9, KeyValue("metrics.units", e.Units));
    });

    private static byte[] KeyValue(string key, string value) => KeyValue(key, any =>
    {
        any.WriteTag(1, WireFormat.WireType.LengthDelimited);
        any.WriteString(value);
    });

    private static byte[] KeyValue(string key, long value) => KeyValue(key, any =>
    {
        any.WriteTag(3, WireFormat.WireType.Varint);
        any.WriteInt64(value);
    });

    private static byte[] KeyValue(string key, Action<CodedOutputStream> value) => Message(output =>
    {
        output.WriteTag(1, WireFormat.WireType.LengthDelimited);
        output.WriteString(key);
        Field(output, 2, Message(value));
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
