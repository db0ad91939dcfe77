using Metrics.Core.Ingestion;
using Metrics.Core.Ingestion.Otlp;
using static Metrics.Core.Tests.Ingestion.Otlp.OtlpExports;

namespace Metrics.Core.Tests.Ingestion.Otlp;

/// <summary>The mapping docs/api.md tabulates: one server span, one request event.</summary>
public sealed class ServerSpansTests
{
    private static readonly (string, object)[] Resource = [("service.name", "orders-api")];
    private static readonly OtlpOptions Names = new();

    private static IngestBatch<RequestEvent> Read(params Span[] spans) =>
        ServerSpans.Read(OtlpProtobuf.ReadTraces(Protobuf(Resource, spans)).Export!, Events.Window, Names);

    private static RequestEvent One(Span span) => Assert.Single(Read(span).Accepted);

    private static Rejection Rejected(Span span, (string, object)[]? resource = null)
    {
        var batch = ServerSpans.Read(OtlpProtobuf.ReadTraces(Protobuf(resource ?? Resource, span)).Export!, Events.Window, Names);
        Assert.Empty(batch.Accepted);
        return Assert.Single(batch.Rejected);
    }

    [Fact]
    public void A_server_span_is_a_request_event_with_route_method_status_duration_and_an_id_from_its_trace_and_span()
    {
        var e = One(Server(more: [("user.id", "u-42"), ("org.id", "acme"), ("gen_ai.request.model", "gpt-small"), ("metrics.units", 1532L)]));

        var expected = new RequestEvent($"otlp-{TraceId}-{SpanId}", "orders-api", Events.Now.AddMinutes(-1).AddMilliseconds(123), "/api/orders/{id}", "GET", 200,
            12.5, "u-42", "acme", null, Invocation.Sync, "gpt-small", 1532, 0, 0);
        Assert.Equal(expected, e);
    }

    [Fact]
    public void Older_semantic_convention_names_are_read_and_a_path_without_route_is_made_a_template()
    {
        var span = new Span(TraceId, SpanId, SpanKind.Server, Start, Start + 1_000_000,
            ("http.method", "post"), ("http.target", "/api/orders/123/items?page=2"), ("http.status_code", "503"), ("enduser.id", "u-7"));
        var e = One(span);

        Assert.Equal(("POST", "/api/orders/{id}/items", 503, "u-7", 1.0), (e.Method, e.Endpoint, e.Status, e.UserId, e.DurationMs));
    }

    [Fact]
    public void A_route_without_a_leading_slash_gets_one_and_configured_names_and_the_resource_give_org_model_and_units()
    {
        var names = new OtlpOptions { OrgAttribute = "tenant", ModelAttribute = "llm", UnitsAttribute = "tokens" };
        var span = Server(more: [("http.route", "api/Orders/{id}"), ("llm", "m-1"), ("tokens", 7.0)]);
        var export = OtlpProtobuf.ReadTraces(Protobuf([("service.name", "orders-api"), ("tenant", "globex")], span)).Export!;
        var e = Assert.Single(ServerSpans.Read(export, Events.Window, names).Accepted);

        Assert.Equal(("/api/Orders/{id}", "globex", "m-1", 7L), (e.Endpoint, e.OrgId, e.Model, e.Units));
    }

    [Fact]
    public void Spans_of_other_kinds_are_not_events_and_the_same_span_twice_is_one_event()
    {
        var client = new Span(TraceId, "00f067aa0ba902b7", SpanKind.Client, Start, Start + 10);
        var batch = Read(Server(), client, Server(), new Span(TraceId, "10f067aa0ba902b7", SpanKind.Internal, Start, Start + 10));

        Assert.Single(batch.Accepted);
        Assert.Equal(1, batch.Duplicates);
        Assert.Empty(batch.Rejected);
    }

    [Fact]
    public void Without_a_usable_service_name_a_span_is_rejected_saying_to_set_OTEL_SERVICE_NAME()
    {
        Assert.Contains("no service.name: set OTEL_SERVICE_NAME", Rejected(Server(), [("host.name", "h")]).Reason);
        var unknown = Rejected(Server(), [("service.name", "unknown_service:dotnet")]);
        Assert.Equal(RejectionCode.InvalidValue, unknown.Code);
        Assert.Contains("'unknown_service:dotnet' must be 1 to 64 letters", unknown.Reason);
    }

    [Theory]
    [InlineData("00000000000000000000000000000000", SpanId, "traceId must be 16 bytes")]
    [InlineData(TraceId, "eee19b7e", "traceId must be 16 bytes")]
    public void Spans_with_bad_ids_are_rejected(string traceId, string spanId, string reason) =>
        Assert.Contains(reason, Rejected(Server() with { TraceId = traceId, SpanId = spanId }).Reason);

    [Fact]
    public void Spans_without_what_a_request_needs_are_rejected_with_their_ids_and_reasons()
    {
        var noMethod = new Span(TraceId, SpanId, SpanKind.Server, Start, Start + 10, ("rpc.system", "grpc"));
        Assert.Equal($"span {SpanId} of trace {TraceId}: it is not an HTTP request: no http.request.method (nor http.method)", Rejected(noMethod).Reason);
        Assert.Contains("no http.response.status_code", Rejected(noMethod with { Attributes = [("http.request.method", "GET")] }).Reason);
        Assert.Contains("no http.route, url.path nor http.target",
            Rejected(noMethod with { Attributes = [("http.request.method", "GET"), ("http.response.status_code", 200L)] }).Reason);
        Assert.Contains("'_OTHER' is not an HTTP method", Rejected(Server(more: ("http.request.method", "_OTHER"))).Reason);
        Assert.Contains("endTimeUnixNano not before it", Rejected(Server() with { End = Start - 1 }).Reason);
        Assert.Contains("metrics.units must be a whole number", Rejected(Server(more: ("metrics.units", -5L))).Reason);
        Assert.Equal(RejectionCode.ControlCharacters, Rejected(Server(more: ("user.id", "a\u0001b"))).Code);
    }

    [Fact]
    public void Spans_outside_the_acceptance_window_are_rejected_as_batch_events_are()
    {
        var old = Start - (ulong)TimeSpan.FromDays(Events.RawRetentionDays + 1).Ticks * 100;
        Assert.Equal(RejectionCode.TooOld, Rejected(Server() with { Start = old, End = old + 10 }).Code);
        var future = Start + (ulong)TimeSpan.FromHours(1).Ticks * 100;
        Assert.Equal(RejectionCode.InFuture, Rejected(Server() with { Start = future, End = future + 10 }).Code);
    }

    [Fact]
    public void The_answer_counts_rejected_spans_and_warns_of_ignored_ones()
    {
        var export = OtlpProtobuf.ReadTraces(Protobuf(Resource, Server(), Server("00f067aa0ba902b7") with { End = 1 },
            new Span(TraceId, "10f067aa0ba902b7", SpanKind.Client, Start, Start + 10))).Export!;
        var batch = ServerSpans.Read(export, Events.Window, Names);
        var answer = ExportAnswer.For(export, batch.Rejected);

        Assert.Equal(1, answer.RejectedSpans);
        Assert.StartsWith("1 of 2 server spans rejected: span 00f067aa0ba902b7", answer.Message, StringComparison.Ordinal);
        Assert.EndsWith("1 spans of other kinds than SERVER ignored: only a server span is a request a service served.", answer.Message, StringComparison.Ordinal);
        Assert.True(ExportAnswer.For(OtlpProtobuf.ReadTraces(Protobuf(Resource, Server())).Export!, []).IsFullSuccess);
    }
}
