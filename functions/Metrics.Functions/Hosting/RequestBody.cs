using System.Buffers;
using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Metrics.Functions.Hosting;

/// <summary>
/// A request body as functions take it from anyone: the declared type checked, at most the byte cap read (before and
/// after undoing <c>Content-Encoding</c>: gzip, deflate or br), a UTF-8 byte order mark dropped, and the bytes checked to
/// be UTF-8 (unless the rules are for a binary format). Every refusal is a 4xx problem that says what to send instead, and all of it comes before any parsing.
/// The bytes are pooled: dispose the body when done with them.
/// </summary>
internal sealed class RequestBody : IDisposable
{
    private const int ChunkBytes = 64 * 1024;
    private static readonly byte[] ByteOrderMark = [0xEF, 0xBB, 0xBF];

    private byte[]? _buffer;
    private readonly int _start;

    private RequestBody(byte[] buffer, int start, int length)
    {
        _buffer = buffer;
        _start = start;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Bytes => _buffer is { } buffer ? buffer.AsMemory(_start, Length) : throw new ObjectDisposedException(nameof(RequestBody));

    /// <summary>The media type the request declared (lower case, no parameters), or "" when it declared none.</summary>
    public static string MediaTypeOf(HttpRequest request) => (request.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();

    public static async Task<(RequestBody? Body, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, BodyRules rules, CancellationToken cancellationToken)
    {
        var mediaType = MediaTypeOf(request);
        if (mediaType.Length > 0 && !rules.MediaTypes.Any(accepted => accepted == mediaType || (accepted == "application/json" && mediaType.EndsWith("+json", StringComparison.Ordinal))))
            return (null, Problems.Of(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported content type",
                $"Send the body as {string.Join(" or ", rules.MediaTypes)}, not '{request.ContentType}'."));
        if (request.ContentLength > rules.MaxBytes) return (null, rules.TooLarge());
        if (Decoded(request) is not { } decode)
            return (null, Problems.Of(StatusCodes.Status415UnsupportedMediaType, "unsupported-content-encoding", "Unsupported content encoding",
                $"Send the body plain or with Content-Encoding gzip, deflate or br, not '{request.Headers.ContentEncoding}'."));

        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        var length = 0;
        try
        {
            await using (var body = decode(request.Body))
            {
                while (true)
                {
                    if (length == buffer.Length) buffer = Grow(buffer, rules.MaxBytes);
                    var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                    if (read == 0) break;
                    length += read;
                    if (length > rules.MaxBytes)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        return (null, rules.TooLarge());
                    }
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException)
        {
            // gzip and deflate say InvalidDataException; br says InvalidOperationException ("Decoder ran into invalid data").
            ArrayPool<byte>.Shared.Return(buffer);
            return (null, Problems.Of(StatusCodes.Status400BadRequest, "invalid-content-encoding", "The body does not match its Content-Encoding",
                $"The body could not be decoded as {request.Headers.ContentEncoding}: {e.Message} Send it encoded as declared, or plain without the header."));
        }

        if (!rules.Text) return (new RequestBody(buffer, 0, length), null);
        var start = buffer.AsSpan(0, length).StartsWith(ByteOrderMark) ? ByteOrderMark.Length : 0;
        if (FirstInvalidUtf8(buffer.AsSpan(start, length - start)) is { } offset)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return (null, Problems.Of(StatusCodes.Status400BadRequest, "invalid-utf8", "The body is not UTF-8",
                $"Byte {start + offset} of the body does not continue a valid UTF-8 sequence. Send the body encoded as UTF-8."));
        }
        return (new RequestBody(buffer, start, length - start), null);
    }

    public void Dispose()
    {
        if (_buffer is { } buffer) ArrayPool<byte>.Shared.Return(buffer);
        _buffer = null;
    }

    /// <summary>How to undo the request's Content-Encoding, or null for one this function does not take.</summary>
    private static Func<Stream, Stream>? Decoded(HttpRequest request)
    {
        var encoding = request.Headers.ContentEncoding.ToString().Trim().ToLowerInvariant();
        return encoding switch
        {
            "" or "identity" => body => body,
            "gzip" or "x-gzip" => body => new GZipStream(body, CompressionMode.Decompress, leaveOpen: true),
            "deflate" => body => new ZLibStream(body, CompressionMode.Decompress, leaveOpen: true),
            "br" => body => new BrotliStream(body, CompressionMode.Decompress, leaveOpen: true),
            _ => null,
        };
    }

    private static int? FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes)) return null;
        for (var offset = 0; offset < bytes.Length;)
        {
            if (Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done) return offset;
            offset += consumed;
        }
        return null;
    }

    private static byte[] Grow(byte[] buffer, int maxBytes)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
        buffer.CopyTo(bigger, 0);
        ArrayPool<byte>.Shared.Return(buffer);
        return bigger;
    }
}
