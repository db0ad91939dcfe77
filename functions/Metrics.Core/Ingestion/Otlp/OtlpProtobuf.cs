using System.Runtime.InteropServices;
using Google.Protobuf;

namespace Metrics.Core.Ingestion.Otlp;

/// <summary>
/// OTLP/HTTP's binary encoding (<c>application/x-protobuf</c>) of the trace service, read and written with the protobuf
/// runtime's coded streams. The messages are the few ingestion needs, with the field numbers of opentelemetry-proto
/// (<c>opentelemetry/proto/collector/trace/v1/trace_service.proto</c>, <c>trace/v1/trace.proto</c>,
/// <c>common/v1/common.proto</c>, <c>resource/v1/resource.proto</c>); every other field is skipped, as protobuf readers
/// skip fields they do not know.
/// </summary>
public static class OtlpProtobuf
{
    // Tags are (field number << 3) | wire type; wire types: 0 varint, 1 fixed64, 2 length-delimited.
    private const uint ExportResourceSpans = 1 << 3 | 2;   // ExportTraceServiceRequest.resource_spans = 1
    private const uint ResourceField = 1 << 3 | 2;         // ResourceSpans.resource = 1
    private const uint ScopeSpansField = 2 << 3 | 2;       // ResourceSpans.scope_spans = 2
    private const uint ResourceAttributes = 1 << 3 | 2;    // Resource.attributes = 1
    private const uint ScopeSpansSpans = 2 << 3 | 2;       // ScopeSpans.spans = 2
    private const uint SpanTraceId = 1 << 3 | 2;           // Span.trace_id = 1 (bytes)
    private const uint SpanSpanId = 2 << 3 | 2;            // Span.span_id = 2 (bytes)
    private const uint SpanKindField = 6 << 3 | 0;         // Span.kind = 6 (enum)
    private const uint SpanStart = 7 << 3 | 1;             // Span.start_time_unix_nano = 7 (fixed64)
    private const uint SpanEnd = 8 << 3 | 1;               // Span.end_time_unix_nano = 8 (fixed64)
    private const uint SpanAttributesField = 9 << 3 | 2;   // Span.attributes = 9
    private const uint KeyValueKey = 1 << 3 | 2;           // KeyValue.key = 1
    private const uint KeyValueValue = 2 << 3 | 2;         // KeyValue.value = 2
    private const uint AnyString = 1 << 3 | 2;             // AnyValue.string_value = 1
    private const uint AnyBool = 2 << 3 | 0;               // AnyValue.bool_value = 2
    private const uint AnyInt = 3 << 3 | 0;                // AnyValue.int_value = 3
    private const uint AnyDouble = 4 << 3 | 1;             // AnyValue.double_value = 4
    private const uint PartialSuccessField = 1 << 3 | 2;   // ExportTraceServiceResponse.partial_success = 1
    private const uint RejectedSpans = 1 << 3 | 0;         // ExportTracePartialSuccess.rejected_spans = 1 (int64)
    private const uint ErrorMessage = 2 << 3 | 2;          // ExportTracePartialSuccess.error_message = 2

    /// <summary>The export in <paramref name="body"/>, or why it is not one.</summary>
    public static TraceDecode ReadTraces(ReadOnlyMemory<byte> body)
    {
        try
        {
            var spans = new List<ExportedSpan>();
            var input = Input(body);
            for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
                if (tag == ExportResourceSpans) ReadResourceSpans(input.ReadBytes(), spans);
                else input.SkipLastField();
            return TraceDecode.Of(new TraceExport(spans));
        }
        catch (InvalidProtocolBufferException e)
        {
            return TraceDecode.Failed($"The body is not an OTLP ExportTraceServiceRequest in protobuf: {e.Message}");
        }
    }

    /// <summary>An <c>ExportTraceServiceResponse</c>: empty when everything was taken, else its <c>partial_success</c>.</summary>
    public static byte[] WriteResponse(ExportAnswer answer)
    {
        if (answer.IsFullSuccess) return [];
        using var partial = new MemoryStream();
        var inner = new CodedOutputStream(partial);
        if (answer.RejectedSpans != 0)
        {
            inner.WriteTag(RejectedSpans);
            inner.WriteInt64(answer.RejectedSpans);
        }
        inner.WriteTag(ErrorMessage);
        inner.WriteString(answer.Message);
        inner.Flush();
        using var output = new MemoryStream();
        var outer = new CodedOutputStream(output);
        outer.WriteTag(PartialSuccessField);
        outer.WriteBytes(ByteString.CopyFrom(partial.GetBuffer(), 0, (int)partial.Length));
        outer.Flush();
        return output.ToArray();
    }

    private static CodedInputStream Input(ReadOnlyMemory<byte> body) =>
        MemoryMarshal.TryGetArray(body, out var segment) ? new CodedInputStream(segment.Array!, segment.Offset, segment.Count) : new CodedInputStream(body.ToArray());

    private static void ReadResourceSpans(ByteString message, List<ExportedSpan> spans)
    {
        // The resource may follow its spans on the wire: spans are read once it is known.
        var resource = new SpanAttributes();
        var scopes = new List<ByteString>();
        var input = message.CreateCodedInput();
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
            if (tag == ResourceField) ReadAttributes(input.ReadBytes(), ResourceAttributes, resource);
            else if (tag == ScopeSpansField) scopes.Add(input.ReadBytes());
            else input.SkipLastField();
        foreach (var scope in scopes)
        {
            var scopeInput = scope.CreateCodedInput();
            for (var tag = scopeInput.ReadTag(); tag != 0; tag = scopeInput.ReadTag())
                if (tag == ScopeSpansSpans) spans.Add(ReadSpan(scopeInput.ReadBytes(), resource));
                else scopeInput.SkipLastField();
        }
    }

    private static ExportedSpan ReadSpan(ByteString message, SpanAttributes resource)
    {
        string traceId = "", spanId = "";
        var kind = SpanKind.Unspecified;
        ulong start = 0, end = 0;
        var attributes = new SpanAttributes();
        var input = message.CreateCodedInput();
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
            switch (tag)
            {
                case SpanTraceId: traceId = Convert.ToHexStringLower(input.ReadBytes().Span); break;
                case SpanSpanId: spanId = Convert.ToHexStringLower(input.ReadBytes().Span); break;
                case SpanKindField: kind = (SpanKind)input.ReadEnum(); break;
                case SpanStart: start = input.ReadFixed64(); break;
                case SpanEnd: end = input.ReadFixed64(); break;
                case SpanAttributesField: ReadKeyValue(input.ReadBytes(), attributes); break;
                default: input.SkipLastField(); break;
            }
        return new ExportedSpan(traceId, spanId, kind, start, end, attributes, resource);
    }

    /// <summary>The repeated KeyValue field <paramref name="field"/> of a message (a Resource's attributes).</summary>
    private static void ReadAttributes(ByteString message, uint field, SpanAttributes into)
    {
        var input = message.CreateCodedInput();
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
            if (tag == field) ReadKeyValue(input.ReadBytes(), into);
            else input.SkipLastField();
    }

    private static void ReadKeyValue(ByteString message, SpanAttributes into)
    {
        string? key = null;
        object? value = null;
        var input = message.CreateCodedInput();
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
            if (tag == KeyValueKey) key = input.ReadString();
            else if (tag == KeyValueValue) value = ReadAnyValue(input.ReadBytes());
            else input.SkipLastField();
        if (key is not null && value is not null) into.Set(key, value);
    }

    private static object? ReadAnyValue(ByteString message)
    {
        object? value = null;
        var input = message.CreateCodedInput();
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
            switch (tag)
            {
                case AnyString: value = input.ReadString(); break;
                case AnyBool: value = input.ReadBool(); break;
                case AnyInt: value = input.ReadInt64(); break;
                case AnyDouble: value = input.ReadDouble(); break;
                default: input.SkipLastField(); break;   // arrays, maps, bytes: no request field comes from them
            }
        return value;
    }
}
