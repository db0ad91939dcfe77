using System.Text;
using Google.Protobuf;
using Metrics.Core.Ingestion.Otlp;
using static Metrics.Core.Tests.Ingestion.Otlp.OtlpExports;

namespace Metrics.Core.Tests.Ingestion.Otlp;

public sealed class OtlpDecodingTests
{
    private static readonly (string, object)[] Resource = [("service.name", "orders-api"), ("service.instance.id", "i-1"), ("host.cpus", 4L)];

    public static TheoryData<string> Encodings => ["protobuf", "json"];

    private static TraceDecode Decode(string encoding, (string, object)[] resource, params Span[] spans) => encoding == "protobuf"
        ? OtlpProtobuf.ReadTraces(Protobuf(resource, spans))
        : OtlpJson.ReadTraces(Encoding.UTF8.GetBytes(Json(resource, spans)));

    [Theory, MemberData(nameof(Encodings))]
    public void Spans_are_read_with_ids_kind_times_and_scalar_attributes_of_span_and_resource(string encoding)
    {
        var client = new Span(TraceId, "00f067aa0ba902b7", SpanKind.Client, Start + 1000, Start + 2000, ("flag", true), ("ratio", 0.25));
        var export = Decode(encoding, Resource, Server(), client).Export!;

        Assert.Equal(2, export.Spans.Count);
        Assert.Equal(1, export.ServerSpans);
        var server = export.Spans[0];
        Assert.Equal((TraceId, SpanId, SpanKind.Server, Start, Start + 12_500_000), (server.TraceId, server.SpanId, server.Kind, server.StartTimeUnixNano, server.EndTimeUnixNano));
        Assert.Equal("/api/orders/{id}", server.Attributes.Text("http.route"));
        Assert.Equal(200, server.Attributes.Integer("http.response.status_code"));
        Assert.Equal("orders-api", server.Resource.Text("service.name"));
        Assert.Equal(4, server.Resource.Integer("host.cpus"));
        Assert.Equal(("true", "0.25"), (export.Spans[1].Attributes.Text("flag"), export.Spans[1].Attributes.Text("ratio")));
    }

    [Fact]
    public void Json_takes_enum_names_numbers_for_int64_and_ignores_unknown_keys()
    {
        var json = $$$$"""
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"orders-api"}}]},"schemaUrl":"x",
              "scopeSpans":[{"spans":[{"traceId":"{{{{TraceId}}}}","spanId":"{{{{SpanId}}}}","kind":"SPAN_KIND_SERVER","startTimeUnixNano":{{{{Start}}}},
                "endTimeUnixNano":"{{{{Start + 5}}}}","futureField":{"a":[1]},
                "attributes":[{"key":"http.response.status_code","value":{"intValue":404}},{"key":"list","value":{"arrayValue":{"values":[]}}}]}]}]}]}
            """;
        var span = OtlpJson.ReadTraces(Encoding.UTF8.GetBytes(json)).Export!.Spans.Single();

        Assert.Equal((SpanKind.Server, Start, Start + 5), (span.Kind, span.StartTimeUnixNano, span.EndTimeUnixNano));
        Assert.Equal(404, span.Attributes.Integer("http.response.status_code"));
        Assert.False(span.Attributes.Has("list"));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"resourceSpans":{}}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[1]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"\ud800"}]}]}]}""")]
    public void Json_that_is_no_export_is_a_problem_not_an_exception(string body)
    {
        var decoded = OtlpJson.ReadTraces(Encoding.UTF8.GetBytes(body));
        Assert.Null(decoded.Export);
        Assert.StartsWith("The body is not an OTLP ExportTraceServiceRequest in JSON", decoded.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_bodies_are_exports_without_spans()
    {
        Assert.Empty(OtlpProtobuf.ReadTraces(Array.Empty<byte>()).Export!.Spans);
        Assert.Empty(OtlpJson.ReadTraces("{}"u8.ToArray()).Export!.Spans);
    }

    [Fact]
    public void Every_truncation_of_a_protobuf_export_is_a_problem_or_fewer_spans_never_an_exception()
    {
        var body = Protobuf(Resource, Server(), Server("00f067aa0ba902b7"));
        for (var length = 0; length < body.Length; length++)
        {
            var decoded = OtlpProtobuf.ReadTraces(body.AsMemory(0, length));
            Assert.True(decoded.Problem is not null || decoded.Export!.Spans.Count < 2, $"truncated to {length} bytes");
        }
        Assert.Contains("not an OTLP ExportTraceServiceRequest in protobuf", OtlpProtobuf.ReadTraces(Encoding.UTF8.GetBytes("{\"resourceSpans\":[]}")).Problem);
    }

    [Fact]
    public void Full_success_is_an_empty_response_and_a_partial_one_carries_count_and_message()
    {
        Assert.Empty(OtlpProtobuf.WriteResponse(ExportAnswer.FullSuccess));
        Assert.Equal("{}", Encoding.UTF8.GetString(OtlpJson.WriteResponse(ExportAnswer.FullSuccess)));

        var answer = new ExportAnswer(3, "3 of 5 server spans rejected");
        Assert.Equal("""{"partialSuccess":{"rejectedSpans":"3","errorMessage":"3 of 5 server spans rejected"}}""", Encoding.UTF8.GetString(OtlpJson.WriteResponse(answer)));
        var outer = new CodedInputStream(OtlpProtobuf.WriteResponse(answer));
        Assert.Equal(WireFormat.MakeTag(1, WireFormat.WireType.LengthDelimited), outer.ReadTag());
        var inner = outer.ReadBytes().CreateCodedInput();
        Assert.Equal(WireFormat.MakeTag(1, WireFormat.WireType.Varint), inner.ReadTag());
        Assert.Equal(3, inner.ReadInt64());
        Assert.Equal(WireFormat.MakeTag(2, WireFormat.WireType.LengthDelimited), inner.ReadTag());
        Assert.Equal("3 of 5 server spans rejected", inner.ReadString());
    }
}
