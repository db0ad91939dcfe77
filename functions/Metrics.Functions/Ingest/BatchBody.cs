using System.Buffers;
using System.Text.Json;
using Metrics.Core.Ingestion;
using Metrics.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Metrics.Functions.Ingest;

/// <summary>
/// The JSON body of an ingestion batch, read with a byte cap into a pooled buffer. Parsing problems
/// become 4xx problems a sender can act on; none of them is a 500.
/// </summary>
internal sealed class BatchBody : IDisposable
{
    private byte[]? _buffer;

    private BatchBody(JsonDocument document, byte[] buffer)
    {
        Document = document;
        _buffer = buffer;
    }

    public JsonDocument Document { get; }
    public JsonElement Root => Document.RootElement;

    /// <summary>The body, or the problem to answer instead.</summary>
    public static async Task<(BatchBody? Body, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, bool allowTextPlain, CancellationToken cancellationToken)
    {
        if (!IsAcceptedContentType(request.ContentType, allowTextPlain))
            return (null, Problems.Of(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported content type",
                $"Send the batch as application/json{(allowTextPlain ? " or text/plain" : "")}, not '{request.ContentType}'."));
        if (request.ContentLength > IngestLimits.MaxBodyBytes) return (null, TooLarge());

        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length) buffer = Grow(buffer);
                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0) break;
                length += read;
                if (length > IngestLimits.MaxBodyBytes)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return (null, TooLarge());
                }
            }
            var document = JsonDocument.Parse(buffer.AsMemory(0, length));
            return (new BatchBody(document, buffer), null);
        }
        catch (JsonException e)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return (null, Problems.Of(StatusCodes.Status400BadRequest, "invalid-json", "The body is not valid JSON",
                $"The body could not be parsed as JSON: {e.Message}"));
        }
    }

    public void Dispose()
    {
        Document.Dispose();
        if (_buffer is { } buffer) ArrayPool<byte>.Shared.Return(buffer);
        _buffer = null;
    }

    private static byte[] Grow(byte[] buffer)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, IngestLimits.MaxBodyBytes + 1));
        buffer.CopyTo(bigger, 0);
        ArrayPool<byte>.Shared.Return(buffer);
        return bigger;
    }

    private static bool IsAcceptedContentType(string? contentType, bool allowTextPlain)
    {
        if (string.IsNullOrEmpty(contentType)) return true;
        var mediaType = contentType.Split(';')[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            || (allowTextPlain && mediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase));
    }

    private static ProblemHttpResult TooLarge() =>
        Problems.Of(StatusCodes.Status413PayloadTooLarge, "batch-too-large", "The batch is too large",
            $"A batch body may be at most {IngestLimits.MaxBodyBytes} bytes. Split it into smaller batches.",
            new Dictionary<string, object?> { ["maxBodyBytes"] = IngestLimits.MaxBodyBytes, ["maxBatchSize"] = IngestLimits.MaxBatchSize });
}
