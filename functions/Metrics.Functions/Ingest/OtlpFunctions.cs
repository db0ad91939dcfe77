using Metrics.Core.Ingestion;
using Metrics.Core.Ingestion.Otlp;
using Metrics.Functions.Hosting;
using Metrics.Functions.Operations.OpenApi;
using Metrics.Functions.Security;
using Metrics.Rollups.Ingest;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Metrics.Functions.Ingest;

/// <summary>
/// OTLP/HTTP (docs/api.md, "OTLP traces"): a service already instrumented with OpenTelemetry points its exporter at
/// <c>/api/otlp</c> and its server spans become request events, through the same write path as a batch of request
/// metrics, so a 200 means what a 202 does there: every accepted span durably stored, once. The answers are the ones
/// OTLP exporters act on: 200 with <c>partial_success</c> for spans that could not be used, 429/503 with Retry-After to
/// send again; other refusals are problems, which exporters log and drop.
/// </summary>
public sealed class OtlpFunctions(IngestKeys keys, IngestWriter writer, IngestInstruments counters, TimeProvider time, IOptions<OtlpOptions> options)
{
    private const string Protobuf = "application/x-protobuf";
    private const string Json = "application/json";

    private static readonly BodyRules ProtobufBody = new([Protobuf], IngestLimits.MaxBodyBytes, TooLarge, Text: false);
    private static readonly BodyRules JsonBody = new([Json], IngestLimits.MaxBodyBytes, TooLarge);

    [Function("OtlpTraces")]
    [EndpointSummary("Store the server spans of an OTLP/HTTP trace export as request metrics"), Tags("Ingestion"), IngestKeyRequired]
    [RequestBody(typeof(string), Protobuf, Json), ProblemResponses(400, 401, 413, 415, 503)]
    [ResponseContent(StatusCodes.Status200OK, Json, typeof(OtlpJsonAnswer)), ResponseContent(StatusCodes.Status200OK, Protobuf)]
    public async Task<Results<FileContentHttpResult, ProblemHttpResult>> TracesAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/otlp/v1/traces")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (!keys.Accept(request.Headers[IngestFunctions.KeyHeader]))
            return Problems.Unauthorized($"Send a configured ingestion key in the {IngestFunctions.KeyHeader} header: OTEL_EXPORTER_OTLP_HEADERS={IngestFunctions.KeyHeader}=<key>.");
        var mediaType = RequestBody.MediaTypeOf(request);
        var json = mediaType == Json || mediaType.EndsWith("+json", StringComparison.Ordinal);
        if (!json && mediaType is not ("" or Protobuf))
            return Problems.Of(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported content type",
                $"Send the export as {Protobuf} or {Json} (OTEL_EXPORTER_OTLP_PROTOCOL http/protobuf or http/json), not '{request.ContentType}'.");

        var (body, unreadable) = await RequestBody.ReadAsync(request, json ? JsonBody : ProtobufBody, cancellationToken);
        if (unreadable is not null) return unreadable;
        TraceDecode decoded;
        using (body) decoded = json ? OtlpJson.ReadTraces(body!.Bytes) : OtlpProtobuf.ReadTraces(body!.Bytes);
        if (decoded.Export is not { } export)
            return Problems.Of(StatusCodes.Status400BadRequest, "invalid-otlp", "The body is not an OTLP trace export", decoded.Problem!);
        if (export.ServerSpans > IngestLimits.MaxBatchSize)
            return Problems.Of(StatusCodes.Status413PayloadTooLarge, "batch-too-large", "Too many server spans in one export",
                $"An export may hold at most {IngestLimits.MaxBatchSize} server spans; this one has {export.ServerSpans}. " +
                $"Lower the exporter's batch size (OTEL_BSP_MAX_EXPORT_BATCH_SIZE, 512 by default).",
                new Dictionary<string, object?> { ["maxBatchSize"] = IngestLimits.MaxBatchSize, ["received"] = export.ServerSpans });

        counters.CountIgnoredSpans(export.Spans.Count - export.ServerSpans);
        var rejected = Array.Empty<Rejection>() as IReadOnlyList<Rejection>;
        if (export.ServerSpans > 0)
        {
            var outcome = await writer.WriteRequestsAsync(window => ServerSpans.Read(export, window, options.Value), time.GetUtcNow(), cancellationToken);
            counters.Count(EventKind.Requests, outcome);
            switch (outcome)
            {
                case WriteOutcome.Stored stored: rejected = stored.Rejected; break;
                case WriteOutcome.NothingValid nothing: rejected = nothing.Rejected; break;
                case WriteOutcome.HoursFinalisedMeanwhile finalised: return IngestFunctions.FinalisedMeanwhile(request.HttpContext.Response, finalised);
            }
        }
        // Every server span stored or rejected for good: a 200, whose partial_success tells the exporter which (OTLP asks for
        // no 4xx for spans that decode but cannot be used, so the exporter does not retry them).
        var answer = ExportAnswer.For(export, rejected);
        return json ? TypedResults.Bytes(OtlpJson.WriteResponse(answer), Json) : TypedResults.Bytes(OtlpProtobuf.WriteResponse(answer), Protobuf);
    }

    /// <summary>OTLP metrics are not taken: the histograms they carry cannot give this app's exact percentiles.</summary>
    [Function("OtlpMetrics")]
    [EndpointSummary("Not taken: send traces"), Tags("Ingestion"), ProblemResponses(404)]
    public static ProblemHttpResult Metrics([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/otlp/v1/metrics")] HttpRequest request) =>
        SignalNotTaken("metrics", "Their http.server.request.duration histograms give counts and coarse latency, not the exact percentiles this app answers with.");

    [Function("OtlpLogs")]
    [EndpointSummary("Not taken: send traces"), Tags("Ingestion"), ProblemResponses(404)]
    public static ProblemHttpResult Logs([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/otlp/v1/logs")] HttpRequest request) =>
        SignalNotTaken("logs", "Requests are read from server spans.");

    private static ProblemHttpResult SignalNotTaken(string signal, string why) =>
        Problems.Of(StatusCodes.Status404NotFound, "otlp-signal-not-taken", $"OTLP {signal} are not taken",
            $"This app takes OTLP traces only, at /api/otlp/v1/traces. {why} Export traces (OTEL_TRACES_EXPORTER=otlp) and turn the " +
            $"{signal} exporter off (OTEL_{signal.ToUpperInvariant()}_EXPORTER=none).");

    private static ProblemHttpResult TooLarge() =>
        Problems.Of(StatusCodes.Status413PayloadTooLarge, "batch-too-large", "The export is too large",
            $"An export body may be at most {IngestLimits.MaxBodyBytes} bytes (decoded). Lower the exporter's batch size (OTEL_BSP_MAX_EXPORT_BATCH_SIZE).",
            new Dictionary<string, object?> { ["maxBodyBytes"] = IngestLimits.MaxBodyBytes, ["maxBatchSize"] = IngestLimits.MaxBatchSize });
}
