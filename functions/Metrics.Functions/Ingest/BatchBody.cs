using System.Text.Json;
using Metrics.Core.Ingestion;
using Metrics.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Metrics.Functions.Ingest;

/// <summary>
/// The JSON of an ingestion batch, read by <see cref="RequestBody"/>'s rules (type, cap, encoding, UTF-8) and parsed
/// over its pooled bytes. Problems become 4xx answers a sender can act on; none of them is a 500.
/// </summary>
internal sealed class BatchBody : IDisposable
{
    private static readonly BodyRules Json = new(["application/json"], IngestLimits.MaxBodyBytes, TooLarge);
    private static readonly BodyRules JsonOrText = new(["application/json", "text/plain"], IngestLimits.MaxBodyBytes, TooLarge);

    private readonly RequestBody _bytes;

    private BatchBody(JsonDocument document, RequestBody bytes)
    {
        Document = document;
        _bytes = bytes;
    }

    public JsonDocument Document { get; }
    public JsonElement Root => Document.RootElement;

    /// <summary>The body, or the problem to answer instead.</summary>
    /// <param name="allowTextPlain">Beacons: <c>navigator.sendBeacon</c> sends its JSON as text/plain.</param>
    public static async Task<(BatchBody? Body, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, bool allowTextPlain, CancellationToken cancellationToken)
    {
        var (bytes, unreadable) = await RequestBody.ReadAsync(request, allowTextPlain ? JsonOrText : Json, cancellationToken);
        if (unreadable is not null) return (null, unreadable);
        try
        {
            return (new BatchBody(JsonDocument.Parse(bytes!.Bytes), bytes), null);
        }
        catch (JsonException e)
        {
            bytes!.Dispose();
            return (null, Problems.Of(StatusCodes.Status400BadRequest, "invalid-json", "The body is not valid JSON",
                $"The body could not be parsed as JSON: {e.Message}"));
        }
    }

    public void Dispose()
    {
        Document.Dispose();
        _bytes.Dispose();
    }

    private static ProblemHttpResult TooLarge() =>
        Problems.Of(StatusCodes.Status413PayloadTooLarge, "batch-too-large", "The batch is too large",
            $"A batch body may be at most {IngestLimits.MaxBodyBytes} bytes (decoded). Split it into smaller batches.",
            new Dictionary<string, object?> { ["maxBodyBytes"] = IngestLimits.MaxBodyBytes, ["maxBatchSize"] = IngestLimits.MaxBatchSize });
}
