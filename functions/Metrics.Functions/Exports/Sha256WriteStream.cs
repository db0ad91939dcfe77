using System.Security.Cryptography;

namespace Metrics.Functions.Exports;

/// <summary>
/// Passes writes through to an upload and hashes them on the way, so the manifest's SHA-256 is of the
/// exact bytes stored without reading the blob back or holding the export in memory.
/// </summary>
internal sealed class Sha256WriteStream(Stream upload) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _written;

    /// <summary>Lower-case hex, as <c>sha256sum</c> prints it. Call once, after the last write.</summary>
    public string HashHex() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _written;
    public override long Position { get => _written; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _hash.AppendData(buffer);
        upload.Write(buffer);
        _written += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _hash.AppendData(buffer.Span);
        await upload.WriteAsync(buffer, cancellationToken);
        _written += buffer.Length;
    }

    public override void Flush() => upload.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => upload.FlushAsync(cancellationToken);
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>The upload is not ours to close: committing it is the caller's step, after the last byte.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _hash.Dispose();
        base.Dispose(disposing);
    }
}
